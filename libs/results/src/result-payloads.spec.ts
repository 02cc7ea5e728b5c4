import { chunkFailure, speakerResult, transcriptionResult, translationResult } from './result-payloads';
import { resultRooms } from './result-publisher';
import { translationEntry } from './session-entries';

const translated = {
  text: 'hello',
  translatedText: 'hola',
  sourceLanguage: 'en',
  targetLanguage: 'es',
  confidence: 0.9,
  backend: 'apertium@mt-0',
};

describe('result payloads', () => {
  it('gives translation_result one shape for a pipeline chunk and a translation_stream request', () => {
    const fromChunk = translationResult({ chunkId: 'c-1', sessionId: 's-1' }, translated);
    const fromRequest = translationResult({ chunkId: 'r-1' }, translated);
    expect(Object.keys(fromRequest).sort()).toEqual(Object.keys(fromChunk).sort());
    expect(fromChunk).toEqual({
      request_id: 'c-1',
      chunk_id: 'c-1',
      session_id: 's-1',
      text: 'hello',
      translated_text: 'hola',
      source_lang: 'en',
      target_lang: 'es',
      confidence: 0.9,
      backend: 'apertium@mt-0',
    });
    expect(fromRequest).toMatchObject({ request_id: 'r-1', chunk_id: 'r-1', session_id: null });
  });

  it('names the session as null outside one, in every result', () => {
    const transcript = {
      text: 'hi',
      language: 'en',
      segments: [{ start: 0, end: 1, text: 'hi', extra: 'dropped' }],
      confidence: 0.8,
      backend: 'openai@stt-0',
      audioLevelDb: -18,
      speechDetected: true,
    };
    const transcription = transcriptionResult({ chunkId: 'c', jobId: 'j' }, transcript);
    expect(transcription).toMatchObject({ chunk_id: 'c', job_id: 'j', session_id: null });
    expect(transcription.segments).toEqual([{ start: 0, end: 1, text: 'hi' }]);
    expect(speakerResult({ chunkId: 'c' }, [])).toEqual({ chunk_id: 'c', session_id: null, segments: [] });
  });

  it('names the client event a failed stage came from', () => {
    const origin = { chunkId: 'c', jobId: 'j' };
    expect(chunkFailure(origin, 'diarization', 'X', 'm').event).toBe('speaker_stream');
    expect(chunkFailure(origin, 'translation:es', 'X', 'm').event).toBe('transcription_stream');
  });

  it('keeps a translation entry without a duration free of the key', () => {
    expect(translationEntry('c', translated, { offset: 0 })).not.toHaveProperty('duration');
    expect(translationEntry('c', translated, { offset: 2, duration: 1.5 })).toMatchObject({
      offset: 2,
      duration: 1.5,
    });
  });

  it('sends a result to the session room and the sender, or only what is known', () => {
    expect(resultRooms({ sessionId: 's', connectionId: 'abc' })).toEqual(['session:s', 'abc']);
    expect(resultRooms({ connectionId: 'abc' })).toEqual(['abc']);
    expect(resultRooms({})).toEqual([]);
  });
});
