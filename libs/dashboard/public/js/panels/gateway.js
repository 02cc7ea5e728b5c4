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

/** One summary row per service, then its instances. */
function gatewayRows(data) {
  const services = Array.isArray(data) ? data : (data?.services ?? []);
  const list = Array.isArray(services)
    ? services
    : Object.entries(services).map(([service, value]) => ({ service, ...value }));
  return list.flatMap((service) => [
    statsRow(service.service ?? service.name, service, 'service-row'),
    ...(service.instances ?? []).map((instance) =>
      statsRow(`  ${instance.url ?? instance.id ?? instance.instance}`, instance),
    ),
  ]);
}

function statsRow(name, stats, rowClass) {
  const latency = stats.latency_ms ?? stats.latency ?? {};
  const breaker = stats.breaker ?? stats.circuit;
  const successShare =
    stats.success_rate ?? (stats.requests ? (stats.successes ?? 0) / stats.requests : null);
  return el(
    'tr',
    { class: rowClass },
    el('td', { class: 'mono' }, name),
    el('td', {}, formatNumber(stats.requests)),
    el('td', {}, formatNumber(stats.requests_per_second ?? stats.rate, 2)),
    el('td', {}, formatPercent(successShare, successShare !== null && successShare <= 1)),
    el('td', {}, formatMs(latency.p50 ?? stats.p50_ms)),
    el('td', {}, formatMs(latency.p95 ?? stats.p95_ms)),
    el('td', {}, formatMs(latency.p99 ?? stats.p99_ms)),
    el('td', {}, breaker ? badge(breaker, breaker) : '—'),
  );
}
