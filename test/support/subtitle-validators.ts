/**
 * Strict readers for the subtitle formats the export writes, used to prove the files are well formed
 * (what players reject: numbering gaps, comma vs dot, missing header, blank lines inside a cue, end before
 * start). They throw with the offending block; they return the cues for content assertions.
 */

export interface ParsedCue {
  index: number;
  start: number;
  end: number;
  /** Payload lines joined with \n, as written. */
  text: string;
}

function seconds(hours: string, minutes: string, secs: string, ms: string): number {
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(secs) + Number(ms) / 1000;
}

function timing(line: string, separator: ',' | '.', where: string): { start: number; end: number } {
  const time = `(\\d{2,}):([0-5]\\d):([0-5]\\d)\\${separator}(\\d{3})`;
  const match = new RegExp(`^${time} --> ${time}$`).exec(line);
  if (!match) throw new Error(`${where}: bad timing line ${JSON.stringify(line)}`);
  const start = seconds(match[1], match[2], match[3], match[4]);
  const end = seconds(match[5], match[6], match[7], match[8]);
  if (!(end > start)) throw new Error(`${where}: cue ends at or before it starts (${line})`);
  return { start, end };
}

function blocks(body: string, where: string): string[] {
  if (body === '') return [];
  if (!body.endsWith('\n')) throw new Error(`${where}: file must end with a newline`);
  if (body.includes('\r')) throw new Error(`${where}: carriage return in file`);
  const trimmed = body.slice(0, -1);
  if (/\n\n\n/.test(trimmed) || trimmed.startsWith('\n') || trimmed.endsWith('\n')) {
    throw new Error(`${where}: cues must be separated by exactly one blank line`);
  }
  return trimmed.split('\n\n');
}

function checkOrder(cues: ParsedCue[], where: string): void {
  cues.forEach((cue, i) => {
    if (i > 0 && cue.start < cues[i - 1].start)
      throw new Error(`${where}: cue ${cue.index} starts before cue ${i}`);
  });
}

/** SubRip: `n`, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, one or more text lines; numbered 1, 2, 3, ... */
export function parseSrtStrict(body: string): ParsedCue[] {
  const cues = blocks(body, 'SRT').map((block, i) => {
    const [number, time, ...text] = block.split('\n');
    if (number !== String(i + 1)) throw new Error(`SRT: block ${i + 1} numbered ${JSON.stringify(number)}`);
    const { start, end } = timing(time ?? '', ',', `SRT cue ${i + 1}`);
    if (text.length === 0 || text.some((line) => line.trim() === '')) {
      throw new Error(`SRT cue ${i + 1}: missing or blank text line`);
    }
    return { index: i + 1, start, end, text: text.join('\n') };
  });
  checkOrder(cues, 'SRT');
  return cues;
}

/** Only the voice span may appear as markup in our cues; any other `<` must have been escaped. */
const VOICE_SPAN = /^<v [^<>\n]+>/;

/** WebVTT: `WEBVTT` header line and a blank line, then cues with an optional identifier and `.` milliseconds. */
export function parseVttStrict(body: string): (ParsedCue & { voice?: string })[] {
  if (!/^WEBVTT(?:[ \t][^\n]*)?\n/.test(body)) throw new Error('VTT: missing WEBVTT header');
  const [header, ...cueBlocks] = blocks(body, 'VTT');
  if (header.split('\n').length !== 1) throw new Error('VTT: header must be followed by a blank line');
  const cues = cueBlocks.map((block, i) => {
    const lines = block.split('\n');
    const hasId = !lines[0].includes('-->');
    const id = hasId ? lines.shift()! : undefined;
    if (id !== undefined && id !== String(i + 1))
      throw new Error(`VTT cue ${i + 1}: identifier ${JSON.stringify(id)}`);
    const { start, end } = timing(lines.shift() ?? '', '.', `VTT cue ${i + 1}`);
    if (lines.length === 0 || lines.some((line) => line.trim() === '' || line.includes('-->'))) {
      throw new Error(`VTT cue ${i + 1}: missing, blank or arrow-containing payload line`);
    }
    let text = lines.join('\n');
    const voice = VOICE_SPAN.exec(text)?.[0];
    if (voice) text = text.slice(voice.length);
    if (/[<>]/.test(text)) throw new Error(`VTT cue ${i + 1}: unescaped markup in ${JSON.stringify(text)}`);
    return { index: i + 1, start, end, text, ...(voice ? { voice: voice.slice(3, -1) } : {}) };
  });
  checkOrder(cues, 'VTT');
  return cues;
}
