import { describeProblem, getJson } from '../api.js';
import { el, formatClock, markUpdated, prependBounded, setNotice } from '../dom.js';

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];
const LIMIT = 200;
/**
 * Activity Logs: GET /api/logs at the start, after every reconnect and when the level or source filter
 * changes; in between, the server pushes each new entry as an `activity` event to subscribers of `logs`.
 * Entries carry increasing ids, so a push that the load already returned is not shown twice. The text search
 * filters what is already here.
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

  const filterQuery = (limit) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (form.elements.level.value) query.set('level', form.elements.level.value);
    if (form.elements.source.value) query.set('source', form.elements.source.value);
    return query;
  };

  const load = async () => {
    const result = await getJson(`/api/logs?${filterQuery(LIMIT)}`);
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'the activity log'), 'error');
      return;
    }
    setNotice(panel, '');
    entries = result.data.logs;
    entries.forEach((entry) => noteSource(entry.source));
    newestId = Math.max(-1, ...entries.map((entry) => entry.id));
    render();
    markUpdated(panel);
  };

  const onPushed = (entry) => {
    if (paused || entry.id <= newestId) return;
    newestId = entry.id;
    noteSource(entry.source);
    entries = [entry, ...entries.slice(0, LIMIT - 1)];
    if (matches(entry)) prependBounded(list, renderEntry(entry), LIMIT);
    markUpdated(panel);
  };

  form.elements.level.addEventListener('change', load);
  form.elements.source.addEventListener('change', load);
  form.elements.search.addEventListener('input', render);
  form.addEventListener('submit', (event) => event.preventDefault());
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) void load();
  });

  ctx.live.on('activity', onPushed);
  ctx.live.subscribe('logs');
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
