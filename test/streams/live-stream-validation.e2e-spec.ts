import { startApp, type RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer } from '../support/fake-engine-server';
import { collect, connectClosedAfterEach, emitWithAck, type ClientSocket } from '../support/socket-client';

/** Every malformed live-stream message gets an `error` naming what is wrong, and the stream goes on. */
describe('Live stream validation', () => {
  let engine: FakeEngineServer;
  let running: RunningApp;
  const connect = connectClosedAfterEach();
  const client = async (): Promise<ClientSocket> => (await connect(running.url)).socket;

  const validStart = { encoding: 'pcm_s16le', sample_rate: 16000, channels: 1, target_languages: [] };
  const pcm = (ms: number, rate = 16000) => Buffer.alloc(Math.round((ms * rate) / 1000) * 2);

  beforeAll(async () => {
    engine = await startFakeEngine(() => ({ json: { text: '', segments: [], language: 'en' } }));
    running = await startApp({
      WHISPER_SERVICE_URL: engine.url,
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
    });
  });
  afterAll(async () => {
    await running.close();
    await engine.close();
  });

  it.each([
    ['an unknown encoding', { encoding: 'opus' }, 'encoding'],
    ['a sample rate under 8 kHz', { sample_rate: 7999 }, 'sample_rate'],
    ['a sample rate over 48 kHz', { sample_rate: 48001 }, 'sample_rate'],
    ['a fractional sample rate', { sample_rate: 16000.5 }, 'sample_rate'],
    ['two channels', { channels: 2 }, 'channels'],
    ['a language that is no code', { language: 'English please' }, 'language'],
    ['a stream id with spaces', { stream_id: 'my stream' }, 'stream_id'],
  ])('refuses stream_start with %s', async (_name, change, field) => {
    const socket = await client();
    const ack = await emitWithAck(socket, 'stream_start', { ...validStart, ...change });
    expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', event: 'stream_start' } });
    const fields = (ack.error as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toContain(field);
  });

  it('answers each malformed frame with an error naming the problem, and keeps the stream going', async () => {
    const socket = await client();
    const errors = collect(socket, 'error');
    const started = await emitWithAck(socket, 'stream_start', validStart);
    const streamId = started.stream_id as string;
    const frame = (fields: Record<string, unknown>) =>
      emitWithAck(socket, 'stream_audio', { stream_id: streamId, offset_ms: 0, audio: pcm(100), ...fields });

    const matrix: [string, Record<string, unknown>, string, string][] = [
      ['unknown stream', { stream_id: 'nope' }, 'UNKNOWN_STREAM', 'nope'],
      ['missing stream id', { stream_id: undefined }, 'INVALID_PAYLOAD', 'stream_id'],
      ['negative offset', { offset_ms: -1 }, 'INVALID_PAYLOAD', 'offset_ms'],
      ['offset that is no number', { offset_ms: '0' }, 'INVALID_PAYLOAD', 'offset_ms'],
      ['base64 text instead of binary', { audio: pcm(100).toString('base64') }, 'INVALID_AUDIO', 'binary'],
      ['odd byte count', { audio: Buffer.alloc(3201) }, 'INVALID_AUDIO', 'whole 16-bit samples'],
      ['frame under 10 ms', { audio: pcm(5) }, 'INVALID_AUDIO', '10–1000 ms'],
      ['frame over 1000 ms', { audio: pcm(1200) }, 'INVALID_AUDIO', '10–1000 ms'],
      ['offset far beyond the audio held', { offset_ms: 3_600_000 }, 'INVALID_OFFSET', 'offset_ms'],
    ];
    for (const [name, fields, code, mention] of matrix) {
      const ack = await frame(fields);
      expect({ name, ack }).toMatchObject({
        name,
        ack: { ok: false, error: { code, event: 'stream_audio' } },
      });
      expect(JSON.stringify(ack.error)).toContain(mention);
    }
    expect(errors.map((e) => e.code)).toEqual(matrix.map(([, , code]) => code));
    // Each names the stream it was sent for (none when the frame named none).
    expect(errors.map((e) => e.stream_id)).toEqual(
      matrix.map(([, fields]) => ('stream_id' in fields ? fields.stream_id : streamId)),
    );

    // The stream lost nothing to the bad frames and goes on.
    await expect(frame({})).resolves.toEqual({ ok: true, stream_id: streamId, received_ms: 100 });
    await expect(frame({ offset_ms: 100 })).resolves.toMatchObject({ ok: true, received_ms: 200 });
    await expect(emitWithAck(socket, 'stream_stop', { stream_id: streamId })).resolves.toMatchObject({
      ok: true,
      audio_ms: 200,
      finals: 0,
    });
  });

  it("refuses frames and stop for another connection's stream, and stop of an unknown one", async () => {
    const owner = await client();
    const other = await client();
    const { stream_id: streamId } = await emitWithAck(owner, 'stream_start', validStart);
    const stolen = await emitWithAck(other, 'stream_audio', {
      stream_id: streamId,
      offset_ms: 0,
      audio: pcm(100),
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'STREAM_IN_USE', stream_id: streamId } });
    const stopped = await emitWithAck(other, 'stream_stop', { stream_id: streamId });
    expect(stopped).toMatchObject({ ok: false, error: { code: 'STREAM_IN_USE' } });
    const unknown = await emitWithAck(owner, 'stream_stop', { stream_id: 'gone' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STREAM', event: 'stream_stop' } });
    await emitWithAck(owner, 'stream_stop', { stream_id: streamId });
  });
});
