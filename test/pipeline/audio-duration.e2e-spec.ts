import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { pipelineJobId } from '@app/pipeline';
import { writeConfigFile } from '../support/config-file';
import { connectClient, emitWithAck, nextEvent, type ClientSocket } from '../support/socket-client';
import { tone } from '../support/wav';

/** Caps of a few seconds, so the over-cap audio stays small; both far below the byte limits. */
describe('audio duration caps (pipeline.max_audio_seconds, websocket.max_chunk_seconds)', () => {
  const config = writeConfigFile({
    pipeline: { max_audio_seconds: 2 },
    websocket: { max_chunk_seconds: 1, message_rate_limit: 1000 },
  });
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ CONFIG_FILE: config.path });
  });
  afterAll(async () => {
    await running.close();
    config.remove();
  });

  describe('POST /api/pipeline/jobs', () => {
    it('refuses a WAV longer than the cap with 413 AUDIO_TOO_LONG naming the duration and the cap', async () => {
      const response = await request(running.url)
        .post('/api/pipeline/jobs')
        .attach('file', tone(3, 0.5), { filename: 'long.wav', contentType: 'audio/wav' })
        .expect(413)
        .expect('content-type', /application\/json/);
      expect(response.body.error).toMatchObject({
        code: 'AUDIO_TOO_LONG',
        message: 'The audio lasts 3 s; the limit is 2 s (pipeline.max_audio_seconds)',
        duration_seconds: 3,
        limit_seconds: 2,
      });
    });

    it('measures JSON base64 audio the same way, and queues audio within the cap', async () => {
      const over = await request(running.url)
        .post('/api/pipeline/jobs')
        .send({ audio_data: tone(2.5, 0.5).toString('base64'), format: 'wav' })
        .expect(413);
      expect(over.body.error).toMatchObject({ code: 'AUDIO_TOO_LONG', duration_seconds: 2.5 });
      await request(running.url)
        .post('/api/pipeline/jobs')
        .send({ audio_data: tone(2, 0.5).toString('base64'), format: 'wav', chunk_id: 'within-cap' })
        .expect(202);
    });
  });

  describe('stream events', () => {
    let socket: ClientSocket;
    beforeAll(async () => {
      ({ socket } = await connectClient(running.url));
    });
    afterAll(() => socket.close());

    it.each([
      ['transcription_stream', { audio_data: tone(1.5, 0.5).toString('base64'), format: 'wav' }],
      ['speaker_stream', { audio_data: tone(1.5, 0.5), format: 'wav' }],
    ])(
      'answers a %s chunk over the cap with AUDIO_TOO_LONG and keeps the connection',
      async (event, payload) => {
        const errorEvent = nextEvent(socket, 'error');
        const ack = await emitWithAck(socket, event, payload);
        expect(ack).toMatchObject({
          ok: false,
          error: {
            code: 'AUDIO_TOO_LONG',
            event,
            message: 'The audio lasts 1.5 s; the limit is 1 s per chunk (websocket.max_chunk_seconds)',
            duration_seconds: 1.5,
            limit_seconds: 1,
          },
        });
        expect(await errorEvent).toEqual(ack.error);
        expect(socket.connected).toBe(true);
        expect(await emitWithAck(socket, 'service_message', { type: 'heartbeat' })).toHaveProperty(
          'timestamp',
        );
      },
    );

    it('passes a chunk within the cap to the pipeline', async () => {
      // No speech-to-text backend runs here, so the acknowledgement reports that stage's failure; what
      // matters is that the chunk was not refused and became a pipeline job.
      const ack = await emitWithAck(socket, 'transcription_stream', {
        audio_data: tone(1, 0.5).toString('base64'),
        format: 'wav',
        chunk_id: 'short-chunk',
      });
      expect(ack).not.toMatchObject({ error: { code: 'AUDIO_TOO_LONG' } });
      const jobId = pipelineJobId({ connectionId: socket.id, chunkId: 'short-chunk' });
      await request(running.url).get(`/api/pipeline/jobs/${jobId}`).expect(200);
    });
  });
});
