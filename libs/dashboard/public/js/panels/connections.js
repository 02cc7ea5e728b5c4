import { describeProblem, getJson } from '../api.js';
import { createLineChart } from '../chart.js';
import { el, formatDuration, formatNumber, markUpdated, setNotice } from '../dom.js';

const PAGE_SIZE = 20;
/** Pushes can come on every connect and disconnect; the table is refetched at most this often. */
const TABLE_REFRESH_MS = 2000;
const MAX_POINTS = 120;

/**
 * WebSocket Connections: current, peak and totals, a trend of open connections, and the paged connection
 * table from GET /api/connections, refreshed when the `connections` room pushes a change.
 */
export function initConnectionsPanel(ctx) {
  const panel = document.getElementById('connections');
  const stats = panel.querySelector('#connection-stats');
  const body = panel.querySelector('#connection-table tbody');
  const pageLabel = panel.querySelector('[data-role="page"]');
  const chart = createLineChart(panel.querySelector('#connections-chart'), {
    title: 'Open connections',
    series: [{ key: 'connections', label: 'open', colour: '#4ea1ff' }],
  });
  const points = [];
  let page = 1;
  let pages = 1;
  let lastLoad = 0;
  let pending = null;

  const load = async () => {
    lastLoad = Date.now();
    const result = await getJson(`/api/connections?page=${page}&limit=${PAGE_SIZE}`);
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'the connection list'), 'error');
      return;
    }
    setNotice(panel, '');
    const data = result.data ?? {};
    const rows = data.connections ?? data.items ?? [];
    const total = data.total ?? rows.length;
    pages = Math.max(1, Math.ceil(total / (data.limit ?? PAGE_SIZE)));
    pageLabel.textContent = `Page ${page} of ${pages}`;
    renderStats(data);
    addPoint(data.current ?? data.active ?? total);
    body.replaceChildren(
      ...(rows.length
        ? rows.map(renderRow)
        : [el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No open connections.'))]),
    );
    markUpdated(panel);
  };

  const loadSoon = () => {
    if (pending) return;
    pending = setTimeout(
      () => {
        pending = null;
        void load();
      },
      Math.max(0, TABLE_REFRESH_MS - (Date.now() - lastLoad)),
    );
  };

  const renderStats = (data) => {
    const figures = [
      ['Current', data.current ?? data.active ?? data.total],
      ['Peak', data.peak],
      ['Sessions', data.sessions ?? data.sessions_active],
      ['Total since start', data.total_connected ?? data.connections_total],
    ].filter(([, value]) => value !== undefined);
    stats.replaceChildren(
      ...figures.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, formatNumber(value)))),
    );
  };

  const addPoint = (value) => {
    if (value === undefined) return;
    points.push({ t: Date.now(), connections: value });
    if (points.length > MAX_POINTS) points.shift();
    chart.update(points);
  };

  panel.querySelector('[data-page="prev"]').addEventListener('click', () => {
    page = Math.max(1, page - 1);
    void load();
  });
  panel.querySelector('[data-page="next"]').addEventListener('click', () => {
    page = Math.min(pages, page + 1);
    void load();
  });

  ctx.live.on('connections_update', loadSoon);
  ctx.live.subscribe('connections');
  ctx.onResync(load);
}

function renderRow(connection) {
  const rate = connection.message_rate ?? connection.messages_per_second;
  return el(
    'tr',
    {},
    el('td', { class: 'mono' }, String(connection.connection_id ?? connection.id).slice(0, 12)),
    el('td', { class: 'mono' }, connection.ip ?? '—'),
    el('td', { class: 'wrap', title: connection.user_agent ?? '' }, connection.user_agent ?? '—'),
    el('td', { class: 'mono' }, connection.session_id ?? '—'),
    el('td', {}, connection.connected_at ? formatDuration(connection.connected_at) : '—'),
    el('td', {}, formatNumber(rate, 2)),
  );
}
