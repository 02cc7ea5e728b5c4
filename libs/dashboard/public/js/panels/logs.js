import { describeProblem, getJson } from '../api.js';
import { el, formatClock, markUpdated, prependBounded, setNotice } from '../dom.js';

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];
const LIMIT = 200;

/**
 * Activity Logs: GET /api/logs for the start (and after every reconnect), then live entries. Level and
 * source filters ask the server again; the text search filters what is shown.
 */
export function initLogsPanel(ctx) {
  const panel = document.getElementById('logs');
  const form = panel.querySelector('#log-filters');
  const list = panel.querySelector('#log-list');
  const pause = panel.querySelector('#pause-logs');
  const sources = new Set();
  let paused = false;
  let newestId = -1;
  /** Newest first, as fetched and pushed; the search box filters this without asking the server. */
  let entries = [];

  const render = () => list.replaceChildren(...entries.filter(matches).map(renderEntry));

  const matches = (entry) => {
    const { level, source, search } = form.elements;
    if (level.value && LEVELS.indexOf(entry.level) < LEVELS.indexOf(level.value)) return false;
    if (source.value && entry.source !== source.value) return false;
    const needle = search.value.trim().toLowerCase();
    return !needle || `${entry.source} ${entry.message}`.toLowerCase().includes(needle);
  };

  const noteSource = (source) => {
    if (!source || sources.has(source)) return;
    sources.add(source);
    form.elements.source.append(new Option(source, source));
  };

  const load = async () => {
    const query = new URLSearchParams({ limit: String(LIMIT) });
    if (form.elements.level.value) query.set('level', form.elements.level.value);
    if (form.elements.source.value) query.set('source', form.elements.source.value);
    const result = await getJson(`/api/logs?${query}`);
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'the activity log'), 'error');
      return;
    }
    setNotice(panel, '');
    entries = result.data?.logs ?? (Array.isArray(result.data) ? result.data : []);
    entries.forEach((entry) => noteSource(entry.source));
    newestId = Math.max(newestId, ...entries.map((entry) => entry.id ?? -1));
    render();
    markUpdated(panel);
  };

  const onEntry = (entry) => {
    if (!entry?.message) return;
    // Entries already fetched by load() may be pushed again around a reconnect.
    if (typeof entry.id === 'number') {
      if (entry.id <= newestId) return;
      newestId = entry.id;
    }
    noteSource(entry.source);
    entries = [entry, ...entries.slice(0, LIMIT - 1)];
    if (!paused && matches(entry)) prependBounded(list, renderEntry(entry), LIMIT);
  };

  form.elements.level.addEventListener('change', load);
  form.elements.source.addEventListener('change', load);
  form.elements.search.addEventListener('input', render);
  form.addEventListener('submit', (event) => event.preventDefault());
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) render();
  });

  ctx.live.on('activity', onEntry);
  ctx.onResync(load);
}

function renderEntry(entry) {
  return el(
    'li',
    { 'data-level': entry.level },
    el('span', { class: 'time' }, formatClock(entry.time)),
    `${entry.level.toUpperCase().padEnd(8)} [${entry.source}] ${entry.message}`,
  );
}
