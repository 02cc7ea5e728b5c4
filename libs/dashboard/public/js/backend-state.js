import { setNotice } from './dom.js';

/**
 * What a backend service's health means for the user, in one sentence that says what to do. Shared by the
 * health panel and the panels that depend on a backend (transcription on whisper, translation on translation).
 */
const DEFAULT_URLS = {
  whisper: 'http://localhost:5001',
  speaker: 'http://localhost:5002',
  translation: 'http://localhost:5003',
};

export function environmentVariable(service) {
  return `${service.toUpperCase()}_SERVICE_URL`;
}

/** GET /api/services answers { services: { whisper: {...}, speaker: {...}, translation: {...} } }. */
export function servicesOf(response) {
  return Object.values(response?.services ?? {});
}

/** Returns { state, text }: state up | degraded | down | unknown | unconfigured; text empty when all is well. */
export function describeBackend(serviceHealth, service, checkIntervalSeconds) {
  if (!serviceHealth || serviceHealth.instances.length === 0) {
    return {
      state: 'unconfigured',
      text: `No ${service} backend is configured: set ${environmentVariable(service)} and restart the orchestrator.`,
    };
  }
  const urls = serviceHealth.instances.map((instance) => instance.url).filter(Boolean);
  const onlyDefault = urls.length === 1 && urls[0].replace(/\/$/, '') === DEFAULT_URLS[service];
  switch (serviceHealth.status) {
    case 'up':
      return { state: 'up', text: '' };
    case 'degraded':
      return {
        state: 'degraded',
        text: `Some ${service} instances are failing; requests go to the healthy ones. See Service Health.`,
      };
    case 'down': {
      const reason = serviceHealth.instances.find((instance) => instance.last_error)?.last_error;
      const what = onlyDefault
        ? `No ${service} backend answers at the default ${urls[0]}: start one there or set ${environmentVariable(service)}.`
        : `The ${service} backend is down${urls.length ? ` (${urls.join(', ')})` : ''}: start it or fix ${environmentVariable(service)}.`;
      return { state: 'down', text: reason ? `${what} Last error: ${reason}` : what };
    }
    default:
      return {
        state: 'unknown',
        text: `The ${service} backend has not been checked yet; the first check runs within ${checkIntervalSeconds ?? 10} s.`,
      };
  }
}

/**
 * Keeps a panel's backend badge and notice in step with the health panel's service list (ctx.bus
 * 'services'); when health cannot be loaded, says so instead of claiming anything about the backend.
 */
export function bindBackendState(ctx, panel, service) {
  const badgeNode = panel.querySelector('[data-role="backend-state"]');
  ctx.bus.addEventListener('services', ({ detail }) => {
    const described = describeBackend(
      detail.find((entry) => entry.service === service),
      service,
      ctx.checkIntervalSeconds,
    );
    badgeNode.dataset.state = described.state;
    badgeNode.textContent = `${service}: ${described.state}`;
    setNotice(panel, described.text, described.state === 'up' ? 'info' : 'error');
  });
  ctx.bus.addEventListener('services-unknown', () => {
    badgeNode.dataset.state = 'unknown';
    badgeNode.textContent = `${service}: status unknown`;
  });
}
