import { startFakeEngine, type FakeEngineServer } from './fake-engine-server';

/**
 * Loopback stand-ins for the platform's own whisper and speaker services, answering exactly as CONTRACTS.md
 * §5 describes them, with a fixed two-sentence transcript so a test can look for it on screen.
 */
export const FAKE_TRANSCRIPT = {
  text: 'Hello world. Good morning.',
  segments: [
    { start: 0, end: 1.2, text: 'Hello world.' },
    { start: 1.2, end: 2.5, text: 'Good morning.' },
  ],
};

export const FAKE_SPEAKERS = [
  { speaker_id: 'SPEAKER_00', start: 0, end: 1.2 },
  { speaker_id: 'SPEAKER_01', start: 1.2, end: 2.5 },
];

export function startFakeWhisper(): Promise<FakeEngineServer> {
  return startFakeEngine((request) => {
    if (request.method === 'GET' && request.path === '/health') {
      return {
        json: {
          status: 'healthy',
          timestamp: new Date().toISOString(),
          version: '1.0.0',
          service_status: {
            device: 'cpu',
            loaded_models: ['whisper-base'],
            available_models: ['whisper-base', 'whisper-small'],
            streaming_active: false,
            sessions: 0,
          },
        },
      };
    }
    if (request.method === 'GET' && request.path === '/models') {
      return {
        json: {
          available_models: ['whisper-base', 'whisper-small'],
          loaded_models: ['whisper-base'],
          default_model: 'whisper-base',
          device: 'cpu',
        },
      };
    }
    if (request.method === 'POST' && request.path.startsWith('/transcribe')) {
      if (!request.fields.has('audio') && request.body.length === 0)
        return { status: 400, json: { error: 'No audio file provided' } };
      return {
        json: {
          ...FAKE_TRANSCRIPT,
          language: 'en',
          confidence: 0.9,
          processing_time: 0.05,
          model_used: request.path.split('/')[2] ?? 'whisper-base',
          device_used: 'cpu',
          timestamp: new Date().toISOString(),
          session_id: request.fields.get('session_id') ?? null,
        },
      };
    }
    return { status: 404, json: { error: 'Not found' } };
  });
}

export function startFakeSpeaker(): Promise<FakeEngineServer> {
  return startFakeEngine((request) => {
    if (request.method === 'GET' && request.path === '/health') return { json: { status: 'healthy' } };
    if (request.method === 'POST' && request.path === '/diarize')
      return { json: { speakers: FAKE_SPEAKERS } };
    return { status: 404, json: { error: 'Not found' } };
  });
}
