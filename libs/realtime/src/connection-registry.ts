import { Injectable } from '@nestjs/common';
import { countMessage, messagesPerSecond, newRateState, takeToken, type RateState } from './message-rate';
import type { SubscriptionTopic } from './subscription-topics';

/** What the registry knows of one Socket.IO connection of this instance. */
export interface ConnectionRecord {
  id: string;
  ip: string;
  userAgent: string;
  connectedAt: number;
  sessionId?: string;
  subscriptions: SubscriptionTopic[];
  messagesIn: number;
  messagesOut: number;
  lastMessageAt: number;
  rate: RateState;
}

export interface ConnectionTotals {
  current: number;
  peak: number;
  /** Connections accepted since start. */
  accepted: number;
  messagesIn: number;
  messagesOut: number;
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
}

/** The connections of this instance and the running totals behind GET /api/connections and the metrics. */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, ConnectionRecord>();
  private peak = 0;
  private accepted = 0;
  private messagesIn = 0;
  private messagesOut = 0;
  private readonly inRate = newRateState(Date.now(), 1);
  private readonly outRate = newRateState(Date.now(), 1);

  register(
    id: string,
    ip: string,
    userAgent: string,
    limitPerSecond: number,
    now = Date.now(),
  ): ConnectionRecord {
    const record: ConnectionRecord = {
      id,
      ip,
      userAgent,
      connectedAt: now,
      subscriptions: [],
      messagesIn: 0,
      messagesOut: 0,
      lastMessageAt: now,
      rate: newRateState(now, limitPerSecond),
    };
    this.connections.set(id, record);
    this.accepted += 1;
    this.peak = Math.max(this.peak, this.connections.size);
    return record;
  }

  unregister(id: string): ConnectionRecord | undefined {
    const record = this.connections.get(id);
    this.connections.delete(id);
    return record;
  }

  get(id: string): ConnectionRecord | undefined {
    return this.connections.get(id);
  }

  get size(): number {
    return this.connections.size;
  }

  get peakConnections(): number {
    return this.peak;
  }

  /** Counts an incoming message; false when it is over the connection's rate limit. */
  acceptMessage(record: ConnectionRecord, limitPerSecond: number, now = Date.now()): boolean {
    record.lastMessageAt = now;
    record.messagesIn += 1;
    this.messagesIn += 1;
    countMessage(record.rate, now);
    countMessage(this.inRate, now);
    return takeToken(record.rate, now, limitPerSecond);
  }

  countOutgoing(record: ConnectionRecord, now = Date.now()): void {
    record.messagesOut += 1;
    this.messagesOut += 1;
    countMessage(this.outRate, now);
  }

  /** Connections idle since before `cutoff` (ms). */
  idleSince(cutoff: number): ConnectionRecord[] {
    const idle: ConnectionRecord[] = [];
    for (const record of this.connections.values()) if (record.lastMessageAt < cutoff) idle.push(record);
    return idle;
  }

  /** Oldest connection first; `page` starts at 1. */
  page(page: number, limit: number): ConnectionRecord[] {
    const all = [...this.connections.values()];
    return all.slice((page - 1) * limit, page * limit);
  }

  totals(now = Date.now()): ConnectionTotals {
    return {
      current: this.connections.size,
      peak: this.peak,
      accepted: this.accepted,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      messagesInPerSecond: messagesPerSecond(this.inRate, now),
      messagesOutPerSecond: messagesPerSecond(this.outRate, now),
    };
  }

  rateOf(record: ConnectionRecord, now = Date.now()): number {
    return messagesPerSecond(record.rate, now);
  }
}
