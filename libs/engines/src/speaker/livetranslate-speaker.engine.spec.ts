import type { BackendServiceConfig } from '@app/config';
import { FetchBackendClient } from '../../../../test/support/fetch-backend-client';
import { startFakeEngine, type FakeEngineServer } from '../../../../test/support/fake-engine-server';
import { LivetranslateSpeakerEngine } from './livetranslate-speaker.engine';

describe('livetranslate speaker adapter (CONTRACTS §5)', () => {
  let server: FakeEngineServer;
  let engine: LivetranslateSpeakerEngine;

  beforeEach(async () => {
    server = await startFakeEngine(() => ({
      json: {
        speakers: [
          { speaker_id: 0, start: 0, end: 1.5 },
          { speaker_id: 'SPEAKER_01', start: 1.5, end: 3 },
        ],
      },
    }));
    const settings: BackendServiceConfig = {
      kind: 'livetranslate',
      instances: [{ url: server.url, weight: 1 }],
    };
    engine = new LivetranslateSpeakerEngine(new FetchBackendClient({ speaker: server.url }), () => settings);
  });
  afterEach(() => server.close());

  it('posts the file with min/max speakers to /diarize and returns string speaker ids', async () => {
    const audio = { data: Buffer.from('OggS....'), format: 'ogg', contentType: 'audio/ogg' };
    const segments = await engine.diarize(audio, { minSpeakers: 1, maxSpeakers: 3 });
    const seen = server.requests[0];
    expect(seen.path).toBe('/diarize');
    expect(seen.fields.get('file')).toMatchObject({ type: 'audio/ogg', name: 'audio.ogg' });
    expect(seen.fields.get('min_speakers')).toBe('1');
    expect(seen.fields.get('max_speakers')).toBe('3');
    expect(segments).toEqual([
      { speaker: '0', start: 0, end: 1.5 },
      { speaker: 'SPEAKER_01', start: 1.5, end: 3 },
    ]);
  });

  it('rejects an answer without a speakers list as a protocol error', async () => {
    server.handle(() => ({ json: { segments: [] } }));
    const audio = { data: Buffer.from('x'), format: 'wav', contentType: 'audio/wav' };
    await expect(engine.diarize(audio, {})).rejects.toMatchObject({ code: 'ENGINE_PROTOCOL' });
  });
});
