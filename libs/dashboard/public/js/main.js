import { getJson } from './api.js';
import { bindConnectionIndicator } from './connection-indicator.js';
import { fillLanguageSelects, FALLBACK_LANGUAGES, loadLanguages } from './languages.js';
import { LiveConnection } from './live.js';
import { initConnectionsPanel } from './panels/connections.js';
import { initGatewayPanel } from './panels/gateway.js';
import { initHealthPanel } from './panels/health.js';
import { initLiveCaptions } from './panels/live-captions.js';
import { initLogsPanel } from './panels/logs.js';
import { initTranscriptionPanel } from './panels/transcription.js';
import { initTranslationPanel } from './panels/translation.js';

/** The orchestrator's own health changes rarely and pushes nothing; once every half minute is plenty. */
const OWN_HEALTH_REFRESH_MS = 30000;

async function start() {
  const live = new LiveConnection();
  bindConnectionIndicator(
    live,
    document.getElementById('connection-indicator'),
    document.getElementById('connection-banner'),
  );

  const [config, settings] = await Promise.all([getJson('/api/config'), getJson('/api/settings')]);
  const resyncs = [];
  let joined = false;
  const ctx = {
    live,
    bus: new EventTarget(),
    ...tabSession(),
    checkIntervalSeconds: config.data?.monitoring?.health_check_interval,
    vadThresholdDb: config.data?.pipeline?.vad_threshold_db,
    /** Runs now and again after every reconnect, since pushes sent while disconnected are lost. */
    onResync: (load) => resyncs.push(load),
    /** Resolves with session_joined { session_id, participants, history }. */
    joinSession: async () => {
      const reply = await live.request('service_message', {
        type: 'join_session',
        session_id: ctx.sessionId,
      });
      joined = true;
      return reply;
    },
  };
  const preferredTarget = settings.data?.default_target_languages?.[0] ?? 'es';

  initHealthPanel(ctx);
  ctx.translation = initTranslationPanel(ctx);
  initTranscriptionPanel(ctx);
  initLiveCaptions(ctx);
  initConnectionsPanel(ctx);
  initGatewayPanel(ctx);
  initLogsPanel(ctx);
  fillLanguageSelects(document, FALLBACK_LANGUAGES, preferredTarget);

  const resync = () => Promise.all(resyncs.map((load) => load()));
  live.addEventListener('state', async ({ detail }) => {
    if (detail.state === 'connected') {
      // Also on the first connect: the first paint was fetched before this page's own connection existed.
      void resync();
      if (joined) await ctx.joinSession().catch(() => (joined = false));
      await showLanguages(live, preferredTarget);
    } else if (detail.state === 'unavailable') {
      languageNote('Showing the default language list: the live connection is unavailable.');
    }
  });
  live.addEventListener('info', ({ detail }) => {
    document.getElementById('server-info').textContent =
      `Connection ${detail.connection_id} · protocol ${detail.protocol_version} · ${config.data?.orchestration?.service_name ?? ''} ${config.data?.orchestration?.version ?? ''}`;
  });
  void live.start();
  void resync();
  void refreshOwnHealth();
  setInterval(refreshOwnHealth, OWN_HEALTH_REFRESH_MS);
}

/**
 * One session per browser tab, kept across reloads, so a reloaded page shows the captions made so far
 * (session_joined history) and exports the whole session.
 */
function tabSession() {
  const key = 'livetranslate-session';
  const existing = sessionStorage.getItem(key);
  if (existing) return { sessionId: existing, sessionKept: true };
  const created = `dashboard-${Math.random().toString(36).slice(2, 10)}`;
  sessionStorage.setItem(key, created);
  return { sessionId: created, sessionKept: false };
}

async function showLanguages(live, preferredTarget) {
  const { languages, fromBackend, reason } = await loadLanguages(live);
  fillLanguageSelects(document, languages, preferredTarget);
  languageNote(
    fromBackend
      ? `${languages.length} languages offered by the translation backend.`
      : `Showing the default language list: the translation backend could not be asked (${reason}).`,
  );
}

function languageNote(text) {
  document.getElementById('languages-note').textContent = text;
}

async function refreshOwnHealth() {
  const badge = document.getElementById('overall-health');
  const result = await getJson('/api/health');
  const status = result.data?.status ?? (result.problem === 'unreachable' ? 'unreachable' : 'unhealthy');
  badge.dataset.state = status;
  badge.textContent = `Orchestrator: ${status}`;
}

void start();
