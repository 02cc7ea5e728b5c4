import { describeProblem, getJson } from '../api.js';
import { el, formatNumber, markUpdated, setNotice } from '../dom.js';

const MB = 1024 * 1024;

/**
 * Pipeline: queue depths, what the pipeline holds against its byte budget, and the jobs it refused or
 * evicted (GET /api/pipeline/stats), refreshed on the `metrics` room's periodic push.
 */
export function initPipelinePanel(ctx) {
  const panel = document.getElementById('pipeline');
  const stats = panel.querySelector('#pipeline-stats');

  const load = async () => {
    const result = await getJson('/api/pipeline/stats');
    if (!result.ok) {
      setNotice(panel, describeProblem(result, 'pipeline statistics'), 'error');
      return;
    }
    const { queues = {}, memory = {} } = result.data;
    const waiting = Object.values(queues).reduce(
      (sum, states) => sum + (states.waiting ?? 0) + (states.delayed ?? 0) + (states.active ?? 0),
      0,
    );
    const share = memory.max_held_bytes ? memory.held_bytes / memory.max_held_bytes : 0;
    setNotice(panel, share >= 0.9 ? 'Near the byte budget: finished records are being evicted.' : '');
    const figures = [
      ['Jobs queued or running', formatNumber(waiting)],
      [
        'Held / budget',
        `${formatNumber(memory.held_bytes / MB, 1)} / ${formatNumber(memory.max_held_bytes / MB, 0)} MB`,
      ],
      ['Refused: backend down', formatNumber(memory.jobs_refused?.BACKEND_UNAVAILABLE)],
      ['Refused: budget full', formatNumber(memory.jobs_refused?.PIPELINE_FULL)],
      ['Records evicted', formatNumber(memory.records_evicted)],
    ];
    stats.replaceChildren(
      ...figures.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value))),
    );
    markUpdated(panel);
  };

  ctx.live.on('metrics_update', () => void load());
  ctx.live.subscribe('metrics');
  ctx.onResync(load);
}
