import type { Session } from '@app/session';
import { transcriptCues, translationCues, type Cue } from './cues';
import { toSrt, toText, toVtt } from './subtitle-formats';

export const EXPORT_FORMATS = ['json', 'srt', 'vtt', 'txt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export interface SessionExport {
  body: string;
  contentType: string;
  fileName: string;
  cueCount: number;
}

/** Session ids are client-chosen: only a safe subset may reach the Content-Disposition header. */
export function exportFileName(sessionId: string, format: ExportFormat, language?: string): string {
  const safeId = sessionId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'session';
  return `session-${safeId}${language ? `.${language}` : ''}.${format}`;
}

/** The most frequent transcript language, for the JSON export's header. */
function transcriptLanguage(session: Session): string | null {
  const counts = new Map<string, number>();
  for (const entry of session.history) {
    if (entry.kind === 'transcript') counts.set(entry.language, (counts.get(entry.language) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

function toJson(session: Session, cues: Cue[], language: string | undefined): string {
  return JSON.stringify({
    session_id: session.id,
    created_at: session.createdAt,
    kind: language ? 'translation' : 'transcript',
    language: language ?? transcriptLanguage(session),
    cue_count: cues.length,
    cues: cues.map((cue, index) => ({
      index: index + 1,
      start: cue.start,
      end: cue.end,
      speaker: cue.speaker ?? null,
      text: cue.text,
    })),
    text: cues.map((cue) => cue.text).join(' '),
  });
}

/** The transcript, or with `language` that translation, in the requested format. */
export function exportSession(session: Session, format: ExportFormat, language?: string): SessionExport {
  const cues = language ? translationCues(session.history, language) : transcriptCues(session.history);
  const render: Record<ExportFormat, () => string> = {
    json: () => toJson(session, cues, language),
    srt: () => toSrt(cues),
    vtt: () => toVtt(cues),
    txt: () => toText(cues),
  };
  return {
    body: render[format](),
    contentType: CONTENT_TYPES[format],
    fileName: exportFileName(session.id, format, language),
    cueCount: cues.length,
  };
}
