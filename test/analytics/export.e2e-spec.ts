import request from 'supertest';
import { SESSION_STORE, type SessionEntry, type SessionStore } from '@app/session';
import { startApp, type RunningApp } from '../support/app-harness';
import { parseSrtStrict, parseVttStrict } from '../support/subtitle-validators';

const at = new Date().toISOString();
const SESSION = 'export-test-1';

/** Two chunks of a conversation, diarised, with Spanish translations: what a live session leaves behind. */
const history: SessionEntry[] = [
  {
    kind: 'transcript',
    chunkId: 'c1',
    at,
    text: 'Good morning everyone. Shall we start?',
    language: 'en',
    confidence: 0.93,
    offset: 0,
    backend: 'openai@whisper-0',
    segments: [
      { start: 0, end: 1.8, text: 'Good morning everyone.' },
      { start: 2, end: 3.4, text: 'Shall we start?' },
    ],
  },
  {
    kind: 'speakers',
    chunkId: 'c1',
    at,
    offset: 0,
    segments: [
      { speaker: 'SPEAKER_00', start: 0, end: 1.9 },
      { speaker: 'SPEAKER_01', start: 1.9, end: 3.5 },
    ],
  },
  {
    kind: 'translation',
    chunkId: 'c1',
    at,
    text: 'Good morning everyone. Shall we start?',
    translatedText: 'Buenos días a todos. ¿Empezamos?',
    sourceLanguage: 'en',
    targetLanguage: 'es',
    confidence: 0.8,
    offset: 0,
    duration: 3.5,
    backend: 'apertium@translation-0',
  },
  {
    kind: 'transcript',
    chunkId: 'c2',
    at,
    text: 'Yes, 5 < 6 & the agenda is short.',
    language: 'en',
    confidence: 0.9,
    offset: 3725.25,
    backend: 'openai@whisper-0',
    segments: [{ start: 0, end: 2.5, text: 'Yes, 5 < 6 & the agenda is short.', speaker: 'SPEAKER_00' }],
  },
];

describe('GET /api/sessions/:id/export', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
    const store = running.app.get<SessionStore>(SESSION_STORE);
    for (const entry of history) await store.append(SESSION, entry);
  });
  afterAll(() => running.close());

  const exportOf = (query: string) => request(running.url).get(`/api/sessions/${SESSION}/export${query}`);

  it('exports valid SubRip with speakers and session times, as a download', async () => {
    const response = await exportOf('?format=srt').expect(200);
    expect(response.headers['content-type']).toBe('application/x-subrip; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="session-${SESSION}.srt"`);
    const cues = parseSrtStrict(response.text);
    expect(cues.map((cue) => cue.text)).toEqual([
      'SPEAKER_00: Good morning everyone.',
      'SPEAKER_01: Shall we start?',
      'SPEAKER_00: Yes, 5 < 6 & the agenda is short.',
    ]);
    expect(response.text).toContain('3\n01:02:05,250 --> 01:02:07,750\n');
  });

  it('exports valid WebVTT with voice spans and escaped text', async () => {
    const response = await exportOf('?format=vtt').expect(200);
    expect(response.headers['content-type']).toBe('text/vtt; charset=utf-8');
    const cues = parseVttStrict(response.text);
    expect(cues.map((cue) => cue.voice)).toEqual(['SPEAKER_00', 'SPEAKER_01', 'SPEAKER_00']);
    expect(cues[2]).toMatchObject({
      start: 3725.25,
      end: 3727.75,
      text: 'Yes, 5 &lt; 6 &amp; the agenda is short.',
    });
  });

  it('exports plain text and JSON', async () => {
    const text = await exportOf('?format=txt').expect(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.text.split('\n')[0]).toBe('[00:00:00] SPEAKER_00: Good morning everyone.');
    const json = await exportOf('').expect(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toContain('.json"');
    const body = JSON.parse(json.text);
    expect(body).toMatchObject({ session_id: SESSION, kind: 'transcript', language: 'en', cue_count: 3 });
    expect(body.cues[1]).toEqual({
      index: 2,
      start: 2,
      end: 3.4,
      speaker: 'SPEAKER_01',
      text: 'Shall we start?',
    });
  });

  it('exports one translation with lang', async () => {
    const response = await exportOf('?format=srt&lang=es').expect(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="session-${SESSION}.es.srt"`);
    expect(parseSrtStrict(response.text)).toEqual([
      { index: 1, start: 0, end: 3.5, text: 'SPEAKER_00: Buenos días a todos. ¿Empezamos?' },
    ]);
  });

  it('answers 404 for an unknown session or a language without translations', async () => {
    const session = await request(running.url)
      .get('/api/sessions/no-such-session/export?format=srt')
      .expect(404);
    expect(session.body.error.code).toBe('SESSION_NOT_FOUND');
    const lang = await exportOf('?format=srt&lang=de').expect(404);
    expect(lang.body.error).toMatchObject({ code: 'TRANSLATION_NOT_FOUND', available_languages: ['es'] });
  });

  it('answers 400 naming the field for a bad format or language code', async () => {
    const format = await exportOf('?format=docx').expect(400);
    expect(format.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['format']);
    const lang = await exportOf('?format=srt&lang=ES!').expect(400);
    expect(lang.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['lang']);
  });
});
