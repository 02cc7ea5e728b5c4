import type { Cue } from './cues';

/** `HH:MM:SS<separator>mmm`; hours grow past two digits rather than wrap. */
export function formatTimestamp(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const totalSeconds = Math.floor(totalMs / 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const clock = `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
  return `${clock}${separator}${pad(ms, 3)}`;
}

/** A blank line ends a cue in both SRT and WebVTT, so cue text must never contain one. */
function cueLines(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');
}

/** SubRip: numbered from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, cues separated by one blank line. */
export function toSrt(cues: Cue[]): string {
  return cues
    .map((cue, index) => {
      const text = cueLines(cue.speaker ? `${cue.speaker}: ${cue.text}` : cue.text);
      return `${index + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${text}\n`;
    })
    .join('\n');
}

function escapeVtt(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * WebVTT: the `WEBVTT` header, `HH:MM:SS.mmm` times, speakers as voice spans (`<v Name>`), which players
 * show as the speaker and which keeps the name apart from the text. `-->` cannot occur in cue text once
 * `>` is escaped.
 */
export function toVtt(cues: Cue[]): string {
  const body = cues.map((cue, index) => {
    const text = escapeVtt(cueLines(cue.text));
    const voiced = cue.speaker ? `<v ${escapeVtt(cue.speaker.replace(/\s+/g, ' ').trim())}>${text}` : text;
    return `${index + 1}\n${formatTimestamp(cue.start, '.')} --> ${formatTimestamp(cue.end, '.')}\n${voiced}\n`;
  });
  return ['WEBVTT\n', ...body].join('\n');
}

/** Plain text for reading: `[HH:MM:SS] Speaker: text`, one cue per line. */
export function toText(cues: Cue[]): string {
  return cues
    .map((cue) => {
      const time = formatTimestamp(cue.start, '.').slice(0, 8);
      const text = cueLines(cue.text).replace(/\n/g, ' ');
      return `[${time}] ${cue.speaker ? `${cue.speaker}: ` : ''}${text}\n`;
    })
    .join('');
}
