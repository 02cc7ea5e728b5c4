import type { ConnectionRecord, ConnectionRegistry } from './connection-registry';

export type ConnectionView = ReturnType<typeof connectionView>;
export type TotalsView = ReturnType<typeof totalsView>;

/** The wire form of a connection, for GET /api/connections and connections_update. */
export function connectionView(registry: ConnectionRegistry, record: ConnectionRecord, now = Date.now()) {
  return {
    connection_id: record.id,
    ip: record.ip,
    user_agent: record.userAgent,
    connected_at: new Date(record.connectedAt).toISOString(),
    session_id: record.sessionId ?? null,
    subscriptions: [...record.subscriptions],
    messages_in: record.messagesIn,
    messages_out: record.messagesOut,
    messages_per_second: round(registry.rateOf(record, now)),
    last_message_at: new Date(record.lastMessageAt).toISOString(),
  };
}

export function totalsView(registry: ConnectionRegistry, now = Date.now()) {
  const totals = registry.totals(now);
  return {
    current: totals.current,
    peak: totals.peak,
    accepted: totals.accepted,
    messages_in: totals.messagesIn,
    messages_out: totals.messagesOut,
    messages_in_per_second: round(totals.messagesInPerSecond),
    messages_out_per_second: round(totals.messagesOutPerSecond),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
