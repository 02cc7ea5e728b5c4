import { Registry } from 'prom-client';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeMetrics } from './realtime-metrics';
import { CLIENT_EVENTS, SERVER_EVENT_NAMES } from './realtime.events';

/** The non-zero series of the messages counter in one direction, by event label. */
async function messagesByEvent(registry: Registry, direction: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric('orchestration_websocket_messages_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return Object.fromEntries(
    values
      // Series start at 0; only the counted ones matter here.
      .filter((v) => v.labels.direction === direction && v.value > 0)
      .map((v) => [String(v.labels.event), v.value]),
  );
}

describe('RealtimeMetrics messages counter', () => {
  it('counts activity pushes under activity, not other', async () => {
    const registry = new Registry();
    const metrics = new RealtimeMetrics(registry, new ConnectionRegistry());
    metrics.outgoing('activity', 3);
    expect(await messagesByEvent(registry, 'out')).toEqual({ activity: 3 });
  });

  it('labels every protocol event by its name and anything else as other', async () => {
    const registry = new Registry();
    const metrics = new RealtimeMetrics(registry, new ConnectionRegistry());
    for (const event of SERVER_EVENT_NAMES) metrics.outgoing(event);
    for (const event of CLIENT_EVENTS) metrics.incoming(event);
    metrics.incoming('no_such_event');
    expect(Object.keys(await messagesByEvent(registry, 'out')).sort()).toEqual(
      [...SERVER_EVENT_NAMES].sort(),
    );
    expect(await messagesByEvent(registry, 'in')).toEqual({
      ...Object.fromEntries(CLIENT_EVENTS.map((event) => [event, 1])),
      other: 1,
    });
  });
});
