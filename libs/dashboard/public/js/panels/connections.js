import { describeProblem, getJson } from '../api.js';
import { createLineChart } from '../chart.js';
import { el, formatDuration, formatNumber, markUpdated, setNotice } from '../dom.js';

const PAGE_SIZE = 20;
const MAX_POINTS = 120;

/**
 * WebSocket Connections: current, peak and message rates, a trend of open connections, and the paged
 * connection table from GET /api/connections. The `connections` room pushes totals and the first page
 * every few seconds, so page 1 needs no request at all; other pages are refetched on each push.
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

  const load = async () => {
    const result = await getJson(`/api/connections?page=${page}&limit=${PAGE_SIZE}`);
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'the connection list'), 'error');
      return;
    }
    setNotice(panel, '');
    render(result.data.totals, result.data.connections);
  };

  const render = (totals, rows) => {
    pages = Math.max(1, Math.ceil(totals.current / PAGE_SIZE));
    pageLabel.textContent = `Page ${page} of ${pages}`;
    renderStats(totals);
    addPoint(totals.current);
    body.replaceChildren(
      ...(rows.length
        ? rows.map(renderRow)
        : [el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No open connections.'))]),
    );
    markUpdated(panel);
  };

  const renderStats = (totals) => {
    const figures = [
      ['Current', totals.current],
      ['Peak', totals.peak],
      ['Accepted since start', totals.accepted],
      ['Messages in/s', totals.messages_in_per_second],
      ['Messages out/s', totals.messages_out_per_second],
    ].filter(([, value]) => value !== undefined);
    stats.replaceChildren(
      ...figures.map(([name, value]) =>
        el('div', {}, el('dt', {}, name), el('dd', {}, formatNumber(value, 2))),
      ),
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

  ctx.live.on('connections_update', (update) => {
    if (page === 1) render(update, update.connections ?? []);
    else void load();
  });
  ctx.live.subscribe('connections');
  ctx.onResync(load);
}

function renderRow(connection) {
  return el(
    'tr',
    {},
    el('td', { class: 'mono', title: connection.connection_id }, connection.connection_id.slice(0, 12)),
    el('td', { class: 'mono' }, connection.ip ?? '—'),
    el('td', { class: 'wrap', title: connection.user_agent ?? '' }, connection.user_agent ?? '—'),
    el('td', { class: 'mono' }, connection.session_id ?? '—'),
    el('td', {}, connection.connected_at ? formatDuration(connection.connected_at) : '—'),
    el('td', {}, formatNumber(connection.messages_per_second, 2)),
  );
}
