/** Small DOM and formatting helpers shared by every panel. Text always goes in as text, never as HTML. */

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child !== undefined && child !== null));
  return node;
}

/** A panel's notice line: kind is warning | error | info; an empty text hides it. */
export function setNotice(panel, text, kind = 'warning') {
  const notice = panel.querySelector('[data-role="notice"]');
  if (!notice) return;
  notice.hidden = !text;
  notice.textContent = text ?? '';
  notice.dataset.kind = kind;
}

export function markUpdated(panel, when = new Date()) {
  const stamp = panel.querySelector('[data-role="updated"]');
  if (stamp) stamp.textContent = `updated ${when.toLocaleTimeString()}`;
}

export function badge(text, state) {
  return el('span', { class: 'badge', dataset: { state: state ?? 'unknown' } }, text);
}

export function formatMs(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  const ms = Number(value);
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Accepts a share (0..1) or a percentage (0..100): the APIs use both. */
export function formatPercent(value, isShare = false) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  const percent = isShare ? Number(value) * 100 : Number(value);
  return `${percent.toFixed(percent >= 99.95 || percent === 0 ? 0 : 1)}%`;
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** Seconds into the audio as m:ss.s */
export function formatOffset(seconds) {
  const total = Math.max(0, Number(seconds) || 0);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${(total - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

export function formatClock(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString();
}

export function formatDuration(fromIso) {
  const since = new Date(fromIso).getTime();
  if (Number.isNaN(since)) return '—';
  const seconds = Math.max(0, Math.round((Date.now() - since) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** Keeps a list bounded: newest first, at most `limit` items. */
export function prependBounded(list, item, limit) {
  list.prepend(item);
  while (list.children.length > limit) list.lastElementChild.remove();
}

/** A stable colour per speaker label, so one speaker has one colour in the transcript and the timeline. */
const SPEAKER_COLOURS = ['#4ea1ff', '#3fb950', '#d29922', '#f778ba', '#a371f7', '#56d4dd', '#ff9b6b'];
const speakerIndex = new Map();
export function speakerColour(speaker) {
  if (!speakerIndex.has(speaker)) speakerIndex.set(speaker, speakerIndex.size);
  return SPEAKER_COLOURS[speakerIndex.get(speaker) % SPEAKER_COLOURS.length];
}
