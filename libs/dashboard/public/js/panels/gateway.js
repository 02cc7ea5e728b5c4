import { describeProblem, getJson } from '../api.js';
import { createLineChart } from '../chart.js';
import { badge, el, formatMs, formatNumber, formatPercent, markUpdated, setNotice } from '../dom.js';

/**
 * API Gateway: per service and instance request counts, success rate and latency percentiles over the
 * gateway's stats window, and breaker state, from GET /api/gateway; the request rate is the change in the
 * request count between two snapshots. Trends come from the analytics series (GET /api/metrics). Both are
 * refreshed on the `metrics` room's periodic push, the trends only once a new sample can exist.
 */
export function initGatewayPanel(ctx) {
  const panel = document.getElementById('gateway');
  const body = panel.querySelector('#gateway-table tbody');
  const rateChart = createLineChart(panel.querySelector('#request-rate-chart'), {
    title: 'Requests per second',
    series: [
      { key: 'http_requests_per_second', label: 'HTTP', colour: '#4ea1ff' },
      { key: 'gateway_requests_per_second', label: 'to backends', colour: '#3fb950' },
      { key: 'gateway_failures_per_second', label: 'backend failures', colour: '#f85149' },
    ],
    emptyText: 'Collecting samples…',
  });
  const latencyChart = createLineChart(panel.querySelector('#latency-chart'), {
    title: 'HTTP latency (p95)',
    series: [{ key: 'http_p95_ms', label: 'p95', colour: '#d29922' }],
    unit: ' ms',
    emptyText: 'Collecting samples…',
  });
  let points = [];
  let resolutionSeconds = 10;
  let trendsLoadedAt = 0;
  /** Request count and time per row key at the previous snapshot, for the rate. */
  let previous = new Map();

  const drawTrends = () => {
    const series = points.map((point) => ({ t: point.time, ...point }));
    rateChart.update(series);
    latencyChart.update(series);
  };

  const loadStats = async () => {
    const result = await getJson('/api/gateway');
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'gateway statistics'), 'error');
      return;
    }
    setNotice(panel, '');
    const now = Date.now();
    const counts = new Map();
    const rate = (key, requests) => {
      counts.set(key, { requests, at: now });
      const before = previous.get(key);
      return before && now > before.at ? ((requests - before.requests) * 1000) / (now - before.at) : null;
    };
    const rows = gatewayRows(result.data, rate);
    previous = counts;
    body.replaceChildren(
      ...(rows.length
        ? rows
        : [
            el(
              'tr',
              {},
              el(
                'td',
                { colspan: 8, class: 'empty' },
                'No backend requests yet: they appear when a panel or client uses a backend.',
              ),
            ),
          ]),
    );
    markUpdated(panel);
  };

  const loadTrends = async () => {
    trendsLoadedAt = Date.now();
    const result = await getJson('/api/metrics');
    if (!result.ok) return;
    points = result.data.series?.points ?? [];
    resolutionSeconds = result.data.series?.resolution_seconds ?? resolutionSeconds;
    drawTrends();
  };

  ctx.live.on('metrics_update', () => {
    void loadStats();
    if (Date.now() - trendsLoadedAt >= resolutionSeconds * 1000) void loadTrends();
  });
  ctx.live.subscribe('metrics');
  ctx.onResync(() => Promise.all([loadStats(), loadTrends()]));
}

/**
 * One summary row per service (with the engine kinds of its pool), then one per instance with its own kind
 * (a pool may mix kinds). rate(key, requests) gives req/s.
 */
function gatewayRows(snapshot, rate) {
  return (snapshot.services ?? []).flatMap((service) => [
    statsRow(
      `${service.service} (${(service.kinds ?? [service.kind]).join(', ')})`,
      service,
      rate(service.service, service.requests),
      'service-row',
    ),
    ...service.instances.map((instance) =>
      statsRow(
        instance.id,
        instance,
        rate(`${service.service}/${instance.id}`, instance.requests),
        '',
        instance.url,
        instance.kind,
      ),
    ),
  ]);
}

function statsRow(name, stats, requestsPerSecond, rowClass, title, kind) {
  const latency = stats.latency_ms ?? {};
  return el(
    'tr',
    { class: rowClass, ...(kind ? { 'data-kind': kind } : {}) },
    el(
      'td',
      { class: 'mono', title },
      name,
      kind ? el('span', { class: 'kind', title: 'Engine kind' }, kind) : null,
    ),
    el('td', {}, formatNumber(stats.requests)),
    el('td', {}, formatNumber(requestsPerSecond, 2)),
    el('td', {}, formatPercent(stats.success_rate, true)),
    el('td', {}, formatMs(latency.p50)),
    el('td', {}, formatMs(latency.p95)),
    el('td', {}, formatMs(latency.p99)),
    el('td', {}, stats.breaker ? badge(stats.breaker, stats.breaker) : ''),
  );
}
