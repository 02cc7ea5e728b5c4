/**
 * A small SVG line chart for the dashboard's time series: a few series over time, one shared y scale that
 * starts at zero, the latest value of each series in the legend. Redrawn whole on update; the series are
 * bounded (the server's ring buffer), so that stays cheap.
 */
const SVG = 'http://www.w3.org/2000/svg';
const FALLBACK_WIDTH = 600;
const HEIGHT = 144;
const PAD = { left: 52, right: 8, top: 8, bottom: 18 };

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** Round up to 1, 2 or 5 times a power of ten, so the axis label is a readable number. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value);
}

function formatValue(value, unit) {
  const digits = Number.isInteger(value) || Math.abs(value) >= 10 ? 0 : 2;
  return `${value.toFixed(digits)}${unit}`;
}

/**
 * series: [{ key, label, colour }]; points: [{ t (ms or ISO), [key]: number }]. unit is appended to values.
 */
export function createLineChart(container, { title, series, unit = '', emptyText = 'No data yet.' }) {
  const heading = document.createElement('div');
  heading.className = 'chart-title';
  heading.textContent = title;
  const legend = document.createElement('div');
  legend.className = 'legend';
  const drawing = svg('svg', { 'aria-hidden': 'true' });
  container.replaceChildren(heading, drawing, legend);
  let lastPoints = [];

  function update(points) {
    lastPoints = points;
    // Drawn at the element's pixel width so text is never stretched.
    const width = drawing.clientWidth || FALLBACK_WIDTH;
    drawing.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    const times = points.map((point) => new Date(point.t).getTime());
    const max = niceMax(
      Math.max(0, ...points.flatMap((point) => series.map((s) => Number(point[s.key]) || 0))),
    );
    const plotWidth = width - PAD.left - PAD.right;
    const plotHeight = HEIGHT - PAD.top - PAD.bottom;
    const first = times[0];
    const span = Math.max(1, times[times.length - 1] - first);
    const x = (t) => PAD.left + ((t - first) / span) * plotWidth;
    const y = (v) => PAD.top + plotHeight - (Math.min(v, max) / max) * plotHeight;

    const nodes = [
      svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom }),
      svg('line', {
        class: 'axis',
        x1: PAD.left,
        y1: HEIGHT - PAD.bottom,
        x2: width - PAD.right,
        y2: HEIGHT - PAD.bottom,
      }),
      label(PAD.left - 4, PAD.top + 8, formatValue(max, unit), 'end'),
      label(PAD.left - 4, HEIGHT - PAD.bottom, formatValue(0, unit), 'end'),
    ];
    if (points.length < 2) {
      nodes.push(label(width / 2, HEIGHT / 2, emptyText, 'middle'));
    } else {
      nodes.push(label(PAD.left, HEIGHT - 4, new Date(first).toLocaleTimeString(), 'start'));
      nodes.push(
        label(width - PAD.right, HEIGHT - 4, new Date(times[times.length - 1]).toLocaleTimeString(), 'end'),
      );
      for (const s of series) {
        const path = points.map(
          (point, i) => `${x(times[i]).toFixed(1)},${y(Number(point[s.key]) || 0).toFixed(1)}`,
        );
        nodes.push(
          svg('polyline', {
            points: path.join(' '),
            fill: 'none',
            stroke: s.colour,
            'stroke-width': 2,
            'vector-effect': 'non-scaling-stroke',
          }),
        );
      }
    }
    drawing.replaceChildren(...nodes);

    const latest = points[points.length - 1];
    legend.replaceChildren(
      ...series.map((s) => {
        const item = document.createElement('span');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = s.colour;
        const value =
          latest && latest[s.key] !== undefined ? formatValue(Number(latest[s.key]) || 0, unit) : '—';
        item.append(swatch, `${s.label}: ${value}`);
        return item;
      }),
    );
  }

  update([]);
  window.addEventListener('resize', () => update(lastPoints));
  return { update };
}

function label(x, y, text, anchor) {
  const node = svg('text', { x, y, 'text-anchor': anchor });
  node.textContent = text;
  return node;
}
