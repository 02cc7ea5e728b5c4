import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { connectClient, emitWithAck, nextEvent, type ClientSocket } from '../support/socket-client';

const MAX_CHUNK_BYTES = 4096;

/** Each malformed event, with the error code the client must get for it. */
const MALFORMED: [string, string, unknown, string][] = [
  ['a payload that is not an object', 'subscribe', 'health', 'INVALID_PAYLOAD'],
  ['an array payload', 'translation_stream', ['hello'], 'INVALID_PAYLOAD'],
  ['no payload at all', 'service_message', undefined, 'INVALID_PAYLOAD'],
  ['a wrong type', 'translation_stream', { text: 42, target_lang: 'es' }, 'INVALID_PAYLOAD'],
  ['a missing field', 'translation_stream', { target_lang: 'es' }, 'INVALID_PAYLOAD'],
  ['an unknown service_message type', 'service_message', { type: 'teleport' }, 'INVALID_PAYLOAD'],
  ['an unknown topic', 'subscribe', { service: 42 }, 'INVALID_PAYLOAD'],
  [
    'a session id with spaces',
    'service_message',
    { type: 'join_session', session_id: 'a b' },
    'INVALID_PAYLOAD',
  ],
  ['an unknown event', 'launch_rockets', { now: true }, 'UNKNOWN_EVENT'],
  ['audio without a format', 'transcription_stream', { audio_data: 'AAAA' }, 'INVALID_PAYLOAD'],
  [
    'audio that is not base64',
    'transcription_stream',
    { audio_data: 'not*base64!', format: 'wav' },
    'INVALID_AUDIO',
  ],
  ['audio of the wrong type', 'speaker_stream', { audio_data: 12, format: 'wav' }, 'INVALID_PAYLOAD'],
  [
    'base64 audio over the chunk limit',
    'transcription_stream',
    { audio_data: Buffer.alloc(MAX_CHUNK_BYTES + 3).toString('base64'), format: 'wav' },
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'binary audio over the chunk limit',
    'speaker_stream',
    { audio_data: Buffer.alloc(MAX_CHUNK_BYTES + 1), format: 'wav' },
    'PAYLOAD_TOO_LARGE',
  ],
];

describe('Socket.IO payload validation', () => {
  let running: RunningApp;
  let socket: ClientSocket;
  const config = writeConfigFile({
    websocket: { max_chunk_bytes: MAX_CHUNK_BYTES, message_rate_limit: 1000 },
  });

  beforeAll(async () => {
    running = await startApp({ CONFIG_FILE: config.path });
    ({ socket } = await connectClient(running.url));
  });
  afterAll(async () => {
    socket.close();
    await running.close();
    config.remove();
  });

  it.each(MALFORMED)(
    'answers %s with an error event and acknowledgement, and stays connected',
    async (_, event, payload, code) => {
      const errorEvent = nextEvent(socket, 'error');
      const ack = await emitWithAck(socket, event, payload);
      expect(ack).toMatchObject({ ok: false, error: { code, event, message: expect.any(String) } });
      expect(await errorEvent).toEqual(ack.error);
      expect(socket.connected).toBe(true);
      const heartbeat = await emitWithAck(socket, 'service_message', { type: 'heartbeat' });
      expect(heartbeat.timestamp).toEqual(expect.any(String));
    },
  );

  it('names the offending fields and echoes the request id', async () => {
    const ack = await emitWithAck<{ error: { fields: { field: string }[] } }>(socket, 'translation_stream', {
      text: '',
      target_lang: 'Spanish',
      request_id: 'r-7',
    });
    expect(ack.error).toMatchObject({
      code: 'INVALID_PAYLOAD',
      request_id: 'r-7',
      event: 'translation_stream',
    });
    expect(ack.error.fields.map((f) => f.field).sort()).toEqual(['target_lang', 'text']);
  });

  it('sends the error event also when the client gave no acknowledgement callback', async () => {
    const errorEvent = nextEvent(socket, 'error');
    socket.emit('subscribe', null);
    expect(await errorEvent).toMatchObject({ code: 'INVALID_PAYLOAD', event: 'subscribe' });
  });
});
