import { bindBackendState } from '../backend-state.js';
import { el, formatClock, prependBounded } from '../dom.js';

const HISTORY_LIMIT = 30;

/**
 * Translation: text typed here goes out as translation_stream and the reply (ack or translation_result)
 * is shown with its confidence. Results of the transcription pipeline land in the same history, so the
 * automatic transcription-to-translation flow is visible here too.
 */
export function initTranslationPanel(ctx) {
  const panel = document.getElementById('translation');
  const form = panel.querySelector('#translate-form');
  const state = form.querySelector('output[name="translate-state"]');
  const resultBox = panel.querySelector('#translation-result');
  const history = panel.querySelector('#translation-history');
  const submit = form.querySelector('button[type="submit"]');
  /** Our own requests are answered by their acknowledgement; a translation_result for one is a duplicate. */
  const ownRequests = new Set();

  panel.querySelector('#swap-languages').addEventListener('click', () => {
    const source = form.elements.source_lang;
    const target = form.elements.target_lang;
    // "Detect automatically" cannot become a target: swap only between two concrete languages.
    if (source.value === 'auto') {
      state.textContent = 'Pick a source language to swap.';
      return;
    }
    [source.value, target.value] = [target.value, source.value];
    const translated = resultBox.querySelector('.translated')?.textContent;
    if (translated) form.elements.text.value = translated;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = form.elements.text.value.trim();
    if (!text) {
      state.textContent = 'Type some text first.';
      form.elements.text.focus();
      return;
    }
    submit.disabled = true;
    state.textContent = 'Translating…';
    try {
      const requestId = `translate-${Date.now()}`;
      ownRequests.add(requestId);
      const reply = await ctx.live.request('translation_stream', {
        text,
        source_lang: form.elements.source_lang.value,
        target_lang: form.elements.target_lang.value,
        request_id: requestId,
      });
      state.textContent = '';
      showResult(reply);
    } catch (error) {
      state.textContent = `Translation failed: ${error.message}`;
    } finally {
      submit.disabled = !ctx.live.connected;
    }
  });

  const showResult = (result) => {
    resultBox.hidden = false;
    resultBox.replaceChildren(
      el('p', { class: 'translated', lang: result.target_lang }, result.translated_text),
      confidenceLine(result),
    );
    addToHistory(result);
  };

  const addToHistory = (result) => {
    prependBounded(
      history,
      el(
        'li',
        {},
        el('span', { class: 'time' }, formatClock(new Date().toISOString())),
        el('span', { class: 'muted small' }, `${result.source_lang ?? 'auto'} → ${result.target_lang}`),
        el('span', { class: 'translation-line', lang: result.source_lang }, result.text),
        el('span', { class: 'translation-line', lang: result.target_lang }, result.translated_text),
        confidenceLine(result),
      ),
      HISTORY_LIMIT,
    );
  };

  // Pipeline results for this dashboard's session (recorded chunks) join the history too.
  ctx.live.on('translation_result', (result) => {
    if (!ownRequests.delete(result.request_id)) addToHistory(result);
  });

  bindBackendState(ctx, panel, 'translation');
  ctx.live.addEventListener('state', () => (submit.disabled = !ctx.live.connected));
  submit.disabled = !ctx.live.connected;

  return { showResult, record: addToHistory };
}

export function confidenceLine(result) {
  const confidence = Number(result.confidence);
  const known = Number.isFinite(confidence);
  return el(
    'span',
    { class: 'confidence' },
    'Confidence',
    el('meter', { min: 0, max: 1, low: 0.5, high: 0.8, optimum: 1, value: known ? confidence : 0 }),
    known ? `${Math.round(confidence * 100)}%` : '—',
    result.backend ? el('span', { class: 'mono' }, result.backend) : null,
  );
}
