import request from 'supertest';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { startApp, type RunningApp } from '../support/app-harness';

describe('REST /api/sessions', () => {
  let running: RunningApp;
  let store: SessionStore;

  beforeAll(async () => {
    running = await startApp({ ADMIN_TOKEN: 'admin-secret' });
    store = running.app.get<SessionStore>(SESSION_STORE);
  });
  afterAll(() => running.close());

  it('lists sessions and shows one with its history in snake_case', async () => {
    await store.join('rest-1', { connectionId: 'c1', joinedAt: new Date().toISOString() });
    await store.append('rest-1', {
      kind: 'translation',
      chunkId: 'k1',
      at: new Date().toISOString(),
      text: 'hello',
      translatedText: 'hola',
      sourceLanguage: 'en',
      targetLanguage: 'es',
      confidence: 1,
      offset: 0,
      backend: 'test',
    });
    const list = await request(running.url).get('/api/sessions').expect(200);
    expect(list.body.sessions).toEqual([
      expect.objectContaining({ id: 'rest-1', participant_count: 1, entry_count: 1 }),
    ]);
    const one = await request(running.url).get('/api/sessions/rest-1').expect(200);
    expect(one.body.participants[0].connection_id).toBe('c1');
    expect(one.body.history[0]).toMatchObject({
      chunk_id: 'k1',
      translated_text: 'hola',
      target_language: 'es',
    });
  });

  it('answers 404 for an unknown session', async () => {
    const response = await request(running.url).get('/api/sessions/nope').expect(404);
    expect(response.body.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('deletes only with the admin token', async () => {
    await store.append('rest-2', { kind: 'speakers', chunkId: 'k', at: 'x', segments: [], offset: 0 });
    await request(running.url).delete('/api/sessions/rest-2').expect(401);
    await request(running.url)
      .delete('/api/sessions/rest-2')
      .set('authorization', 'Bearer wrong')
      .expect(403);
    await request(running.url)
      .delete('/api/sessions/rest-2')
      .set('authorization', 'Bearer admin-secret')
      .expect(204);
    await request(running.url)
      .delete('/api/sessions/rest-2')
      .set('authorization', 'Bearer admin-secret')
      .expect(404);
  });
});
