import { el, formatOffset } from './dom.js';

const MAX_CAPTIONS = 500;

/**
 * Live captions: one list item per utterance, keyed by stream and utterance. An interim is drawn as
 * provisional (italic, dashed edge and a "still listening" tag, not only a colour) with its stable prefix
 * set apart from the words that may still change; the final replaces it in place, and each translation is
 * added under its final. Finals are also announced once through a separate live region, so a screen reader
 * does not read every interim revision.
 */
export class CaptionsView {
  constructor(list, announcer) {
    this.list = list;
    this.announcer = announcer;
  }

  /** transcript_interim { stream_id, utterance_id, text, stable_text, start_ms, end_ms } */
  interim(payload) {
    const item = this.#item(payload);
    if (item.dataset.state === 'final') return; // a late interim never undoes a final
    item.dataset.state = 'interim';
    const stable = stablePrefix(payload.text ?? '', payload.stable_text ?? '');
    const rest = (payload.text ?? '').slice(stable.length);
    this.#setTime(item, payload.start_ms);
    item
      .querySelector('.caption-text')
      .replaceChildren(
        el('span', { class: 'stable' }, stable),
        el('span', { class: 'unstable' }, rest),
        el('span', { class: 'provisional-tag' }, 'still listening…'),
      );
    this.#scroll();
  }

  /** transcript_final { stream_id, utterance_id, text, start_ms, end_ms, language, confidence } */
  final(payload) {
    const item = this.#item(payload);
    item.dataset.state = 'final';
    this.#setTime(item, payload.start_ms, payload.end_ms);
    const text = item.querySelector('.caption-text');
    text.setAttribute('lang', payload.language || 'und');
    text.replaceChildren(payload.text?.trim() || '(no words)');
    this.announcer.textContent = payload.text ?? '';
    this.#scroll();
  }

  /** translation_final { stream_id, utterance_id, target_lang, translated_text } */
  translation(payload) {
    const item = this.#item(payload);
    const existing = item.querySelector(`.translation-line[lang="${CSS.escape(payload.target_lang)}"]`);
    const line = el(
      'p',
      { class: 'translation-line', lang: payload.target_lang },
      `${payload.target_lang}: ${payload.translated_text}`,
    );
    if (existing) existing.replaceWith(line);
    else item.append(line);
  }

  clear() {
    this.list.replaceChildren();
  }

  #item(payload) {
    const key = `${payload.stream_id}:${payload.utterance_id}`;
    let item = this.list.querySelector(`li[data-key="${CSS.escape(key)}"]`);
    if (!item) {
      item = el(
        'li',
        { class: 'caption', dataset: { key, state: 'pending' } },
        el('span', { class: 'time' }, formatOffset((payload.start_ms ?? 0) / 1000)),
        el('p', { class: 'caption-text' }),
      );
      this.list.append(item);
      while (this.list.children.length > MAX_CAPTIONS) this.list.firstElementChild.remove();
    }
    return item;
  }

  #setTime(item, startMs, endMs) {
    const start = formatOffset((startMs ?? 0) / 1000);
    item.querySelector('.time').textContent =
      endMs === undefined ? start : `${start}–${formatOffset(endMs / 1000)}`;
  }

  #scroll() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

/** Final captions of the lists as plain text, translations indented under each, for the clipboard. */
export function captionsText(...lists) {
  return lists
    .flatMap((list) => [...list.querySelectorAll('li[data-state="final"]')])
    .map((item) =>
      [
        `[${item.querySelector('.time').textContent}] ${item.querySelector('.caption-text').textContent}`,
        ...[...item.querySelectorAll('.translation-line')].map((line) => `    ${line.textContent}`),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * The session's earlier captions from `session_joined` history (snake_case SessionEntry): transcripts in
 * order, each with the translations of the same chunk under it.
 */
export function renderHistory(list, history) {
  const items = new Map();
  for (const entry of history ?? []) {
    if (entry.kind === 'transcript') {
      const start = entry.offset + (entry.segments?.[0]?.start ?? 0);
      const item = el(
        'li',
        { class: 'caption', dataset: { state: 'final', chunk: entry.chunk_id } },
        el('span', { class: 'time' }, formatOffset(start)),
        el('p', { class: 'caption-text', lang: entry.language || 'und' }, entry.text?.trim() || '(no words)'),
      );
      items.set(entry.chunk_id, item);
    } else if (entry.kind === 'translation') {
      items
        .get(entry.chunk_id)
        ?.append(
          el(
            'p',
            { class: 'translation-line', lang: entry.target_language },
            `${entry.target_language}: ${entry.translated_text}`,
          ),
        );
    }
  }
  list.replaceChildren(...items.values());
  return items.size;
}

/** stable_text is a prefix of text by contract; a server that breaks that still gets a sensible split. */
function stablePrefix(text, stable) {
  return text.startsWith(stable) ? stable : '';
}
