import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { PeerLoad } from '../../libs/streams/src/decoding/decode-peers';
import { RedisDecodePeers } from '../../libs/streams/src/decoding/redis-decode-peers';
import { eventually } from '../support/eventually';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Short beats keep the test quick; the lease is three of them. */
const BEAT_MS = 200;

/**
 * The instances sharing the speech-to-text pool through Redis (docs/streams.md "Decode capacity"), on the
 * test Redis: they hear each other join and change their claim, take a leaving one's share back at once
 * and a dead one's after its lease, and keep their figures through their own connection's outage.
 */
describe('RedisDecodePeers', () => {
  const connections: Redis[] = [];
  const peers: RedisDecodePeers[] = [];

  /** An instance on its own two connections (commands, subscription), as a process has them. */
  function instance(channel: string, own: PeerLoad) {
    const commands = new Redis(url);
    const subscriptions: Redis[] = [];
    connections.push(commands);
    const peer = new RedisDecodePeers(
      commands,
      channel,
      () => {
        const connection = new Redis(url);
        connections.push(connection);
        subscriptions.push(connection);
        return connection;
      },
      BEAT_MS,
    );
    peers.push(peer);
    const load = { ...own };
    peer.join(() => load);
    let changes = 0;
    peer.onChange(() => changes++);
    return {
      peer,
      load,
      changes: () => changes,
      /** Both connections cut, no leave said: a crash as the others see it. */
      crash: () => {
        for (const connection of [commands, ...subscriptions]) connection.disconnect();
      },
      /** Its subscription drops (and stays down until `listen`); its commands stay up. */
      deafen: () => subscriptions[0].disconnect(),
      listen: () => subscriptions[0].connect(),
    };
  }

  afterAll(async () => {
    await Promise.all(peers.map((peer) => peer.leave()));
    for (const connection of connections) connection.disconnect();
  });

  it('hears another instance join and change its claim, and takes a leaving one out at once', async () => {
    const channel = `test:${randomUUID()}:decode-peers`;
    const a = instance(channel, { streams: 2, finalsLoad: 0.5 });
    const b = instance(channel, { streams: 0, finalsLoad: null });
    await eventually(
      'each hears the other',
      () => a.peer.others().length === 1 && b.peer.others().length === 1,
    );
    expect(b.peer.others()).toEqual([{ id: a.peer.id, streams: 2, finalsLoad: 0.5 }]);

    const told = a.changes();
    b.load.streams = 3;
    b.peer.announce();
    await eventually('the new claim heard', () => a.peer.others()[0]?.streams === 3, { timeoutMs: 1000 });
    expect(a.changes()).toBeGreaterThan(told);

    const leftAt = performance.now();
    await b.peer.leave();
    await eventually('the leaving instance gone', () => a.peer.others().length === 0, { timeoutMs: 1000 });
    // Told, not waited for: well within a lease (3 beats).
    expect(performance.now() - leftAt).toBeLessThan(3 * BEAT_MS);
  });

  it("drops an instance that dies without a word once its lease runs out, and keeps the others' figures through its own outage", async () => {
    const channel = `test:${randomUUID()}:decode-peers`;
    const a = instance(channel, { streams: 1, finalsLoad: null });
    const b = instance(channel, { streams: 1, finalsLoad: null });
    const c = instance(channel, { streams: 1, finalsLoad: null });
    await eventually('all three hear each other', () =>
      [a, b, c].every(({ peer }) => peer.others().length === 2),
    );

    // a's subscription drops: it hears nobody for longer than a lease, yet keeps b and c (its share does
    // not grow for want of news).
    a.deafen();
    b.crash();
    await eventually('the dead instance dropped by the one listening', () => c.peer.others().length === 1, {
      timeoutMs: 10 * BEAT_MS,
    });
    expect(c.peer.others()[0].id).toBe(a.peer.id);
    expect(a.peer.others()).toHaveLength(2);

    // Listening again, a gives everyone a new lease: c reports itself, the dead b runs out.
    await a.listen();
    await eventually('the dead instance dropped after the outage too', () => a.peer.others().length === 1, {
      timeoutMs: 10 * BEAT_MS,
    });
    expect(a.peer.others()[0].id).toBe(c.peer.id);
  });
});
