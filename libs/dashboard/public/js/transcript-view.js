import { el, formatOffset, speakerColour } from './dom.js';

const MAX_ENTRIES = 200;
const SVG = 'http://www.w3.org/2000/svg';
const ROW_HEIGHT = 22;
const LABEL_WIDTH = 90;
/** Used until the element has a layout width; drawing at the real width keeps labels at their size. */
const FALLBACK_WIDTH = 600;

/**
 * The transcript list and the speaker timeline. Entries carry their offset in the audio (a recorded chunk's
 * start, or 0 for an uploaded file) so segment times are shown relative to the whole recording.
 */
export class TranscriptView {
  #speakerSpans = [];

  constructor(list, timeline) {
    this.list = list;
    this.timeline = timeline;
  }

  clear() {
    this.list.replaceChildren();
    this.timeline.replaceChildren();
    this.#speakerSpans = [];
  }

  /**
   * One list item per chunk (or file), oldest first as a transcript reads, with a line per segment and the
   * chunk's translations under it. transcript: { chunk_id, text, language, segments[{start,end,text,speaker?}] }
   */
  add(transcript, offset = 0, translations = []) {
    const segments = transcript.segments?.length
      ? transcript.segments
      : [{ start: 0, end: transcript.duration ?? 0, text: transcript.text }];
    const entry = el(
      'li',
      { 'data-chunk': transcript.chunk_id },
      segments.map((segment) =>
        el(
          'div',
          { class: 'segment' },
          el(
            'span',
            { class: 'time' },
            `${formatOffset(offset + segment.start)}–${formatOffset(offset + segment.end)}`,
          ),
          segment.speaker ? speakerTag(segment.speaker) : null,
          el('span', { lang: transcript.language }, segment.text?.trim() || '(no speech)'),
        ),
      ),
    );
    this.list.append(entry);
    while (this.list.children.length > MAX_ENTRIES) this.list.firstElementChild.remove();
    this.list.scrollTop = this.list.scrollHeight;
    if (translations.length) this.addTranslations(transcript.chunk_id, translations);
  }

  /** Under the chunk's entry, or the newest entry when the chunk is unknown. */
  addTranslations(chunkId, translations) {
    const anchor =
      (chunkId && this.list.querySelector(`li[data-chunk="${CSS.escape(chunkId)}"]`)) ||
      this.list.lastElementChild;
    if (!anchor) return;
    for (const translation of translations) {
      anchor.append(
        el(
          'span',
          { class: 'translation-line', lang: translation.target_lang },
          `${translation.target_lang}: ${translation.translated_text}`,
        ),
      );
    }
  }

  /** segments: [{ speaker, start, end }] */
  addSpeakers(segments, offset = 0) {
    for (const segment of segments)
      this.#speakerSpans.push({
        speaker: segment.speaker,
        start: offset + segment.start,
        end: offset + segment.end,
      });
    this.#drawTimeline();
  }

  #drawTimeline() {
    const speakers = [...new Set(this.#speakerSpans.map((span) => span.speaker))];
    const total = Math.max(1, ...this.#speakerSpans.map((span) => span.end));
    const width = this.timeline.clientWidth - 10 || FALLBACK_WIDTH;
    const height = speakers.length * ROW_HEIGHT + 18;
    const drawing = document.createElementNS(SVG, 'svg');
    drawing.setAttribute('viewBox', `0 0 ${width} ${height}`);
    drawing.setAttribute('height', String(height));
    drawing.setAttribute('role', 'img');
    drawing.setAttribute(
      'aria-label',
      `Speaker timeline: ${speakers.length} speakers over ${formatOffset(total)}`,
    );
    const scale = (width - LABEL_WIDTH - 4) / total;
    speakers.forEach((speaker, row) => {
      drawing.append(
        svgNode(
          'text',
          { x: 0, y: row * ROW_HEIGHT + 15, fill: speakerColour(speaker), 'font-size': 12 },
          speaker,
        ),
      );
    });
    for (const span of this.#speakerSpans) {
      const row = speakers.indexOf(span.speaker);
      drawing.append(
        svgNode('rect', {
          x: LABEL_WIDTH + span.start * scale,
          y: row * ROW_HEIGHT + 4,
          width: Math.max(2, (span.end - span.start) * scale),
          height: ROW_HEIGHT - 8,
          rx: 3,
          fill: speakerColour(span.speaker),
        }),
      );
    }
    drawing.append(
      svgNode('text', { x: LABEL_WIDTH, y: height - 2, fill: '#9aa7b4', 'font-size': 10 }, '0:00.0'),
    );
    drawing.append(
      svgNode(
        'text',
        { x: width, y: height - 2, fill: '#9aa7b4', 'font-size': 10, 'text-anchor': 'end' },
        formatOffset(total),
      ),
    );
    this.timeline.replaceChildren(drawing);
  }
}

function speakerTag(speaker) {
  const tag = el('span', { class: 'speaker-tag' }, speaker);
  tag.style.background = speakerColour(speaker);
  return tag;
}

function svgNode(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Labels transcript segments that carry no speaker with the speaker whose turn overlaps them most, so an
 * uploaded file's transcript shows who said what (transcription and diarization run as separate stages).
 */
export function assignSpeakers(segments, turns) {
  return segments.map((segment) => {
    if (segment.speaker || turns.length === 0) return segment;
    const overlap = (turn) => Math.min(segment.end, turn.end) - Math.max(segment.start, turn.start);
    const best = turns.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
    return overlap(best) > 0 ? { ...segment, speaker: best.speaker } : segment;
  });
}
