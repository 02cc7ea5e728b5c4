import { describeProblem, getJson } from '../api.js';
import { describeBackend, servicesOf } from '../backend-state.js';
import {
  badge,
  el,
  formatClock,
  formatMs,
  formatPercent,
  markUpdated,
  prependBounded,
  setNotice,
} from '../dom.js';

const MAX_ALERTS = 50;

/**
 * Service Health: every backend service and instance from GET /api/services, kept current by the `health`
 * room's health_update pushes, and alerts from GET /api/alerts plus live `alert` pushes.
 * Publishes the service list on ctx.bus ('services') for the panels that depend on a backend.
 */
export function initHealthPanel(ctx) {
  const panel = document.getElementById('health');
  const list = panel.querySelector('#service-list');
  const alertList = panel.querySelector('#alert-list');
  let services = [];
  let refreshing = null;

  const render = () => {
    list.replaceChildren(...services.map((service) => renderService(service, ctx.checkIntervalSeconds)));
    markUpdated(panel);
    ctx.bus.dispatchEvent(new CustomEvent('services', { detail: services }));
  };

  const refresh = async () => {
    const result = await getJson('/api/services');
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'backend health'), 'error');
      ctx.bus.dispatchEvent(new CustomEvent('services-unknown', { detail: result }));
      return;
    }
    setNotice(panel, '');
    services = servicesOf(result.data);
    render();
  };
  // A push describes one instance; the service's own status follows from all of its instances, so the
  // whole list is fetched again, once per burst of pushes.
  const refreshSoon = () => {
    refreshing ??= setTimeout(() => {
      refreshing = null;
      void refresh();
    }, 200);
  };

  const loadAlerts = async () => {
    const result = await getJson(`/api/alerts?limit=${MAX_ALERTS}`);
    if (!result.ok) return;
    alertList.replaceChildren(...result.data.alerts.map(renderAlert));
  };

  ctx.live.on('health_update', refreshSoon);
  ctx.live.on('alert', (alert) => prependBounded(alertList, renderAlert(alert), MAX_ALERTS));
  ctx.live.subscribe('health');
  ctx.onResync(() => Promise.all([refresh(), loadAlerts()]));
  return { refresh };
}

function renderService(service, interval) {
  const state = describeBackend(service, service.service, interval);
  return el(
    'article',
    { class: 'service', 'data-service': service.service, 'aria-label': `${service.service} service` },
    el(
      'div',
      { class: 'service-head' },
      el('h3', {}, service.service),
      badge(service.status, service.status),
    ),
    state.text ? el('p', { class: 'small muted' }, state.text) : null,
    service.instances.map(renderInstance),
  );
}

function renderInstance(instance) {
  return el(
    'div',
    { class: 'instance', 'data-instance': instance.instance_id, 'data-status': instance.status },
    el('span', { class: 'url', title: instance.instance_id }, instance.url),
    instance.kind
      ? el(
          'span',
          {
            class: 'kind',
            title: `Engine kind${instance.priority ? `, priority tier ${instance.priority}` : ''}`,
          },
          instance.priority ? `${instance.kind} · tier ${instance.priority}` : instance.kind,
        )
      : null,
    badge(instance.status ?? 'unknown', instance.status),
    el('span', { title: 'Response time of the last check' }, formatMs(instance.response_time_ms)),
    el(
      'span',
      { title: 'Uptime over the monitoring window' },
      `${formatPercent(instance.uptime_percent)} up`,
    ),
    el('span', { title: 'Circuit breaker' }, badge(`breaker ${instance.circuit ?? '—'}`, instance.circuit)),
    routingFigures(instance),
    instance.last_error
      ? el('span', { class: 'error' }, `${instance.last_error} (checked ${formatClock(instance.last_check)})`)
      : null,
  );
}

/** What routing by speed reads: calls in flight against the cap, measured latency and real-time factor. */
function routingFigures(instance) {
  if (instance.max_concurrent === undefined) return null;
  const speed = [
    instance.latency_ewma_ms === null ? null : `~${formatMs(instance.latency_ewma_ms)}`,
    instance.rtf_ewma === null ? null : `RTF ${instance.rtf_ewma.toFixed(2)}`,
  ].filter(Boolean);
  return el(
    'span',
    {
      class: 'routing',
      title: 'Calls in flight / concurrency cap; moving averages of call latency and real-time factor',
    },
    [`${instance.in_flight}/${instance.max_concurrent} in flight`, ...speed].join(' · '),
  );
}

function renderAlert(alert) {
  return el(
    'li',
    { 'data-level': alert.level },
    el('span', { class: 'time' }, formatClock(alert.time)),
    badge(alert.level, alert.level),
    ' ',
    `${alert.service}${alert.instance ? ` (${alert.instance})` : ''}: ${alert.message}`,
  );
}
