import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** From least to most severe. */
export const ACTIVITY_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

/** An entry for the activity log: anything an operator would want to see scroll by on the dashboard. */
export interface ActivityEvent {
  level: ActivityLevel;
  source: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The internal event map. Feature libraries add their own events by augmenting this interface
 * (`declare module '@app/common' { interface DomainEventMap { 'x.y': Payload } }`), so the bus stays
 * typed without this file knowing every module.
 */
export interface DomainEventMap {
  activity: ActivityEvent;
}

export type DomainEventName = keyof DomainEventMap;
type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void;

/**
 * In-process, synchronous publish/subscribe between modules. A throwing listener is isolated so that one
 * module's bug cannot stop another module from hearing the event.
 */
@Injectable()
export class DomainEvents implements OnModuleDestroy {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    for (const listener of this.emitter.listeners(name) as Listener<K>[]) {
      try {
        listener(payload);
      } catch (error) {
        if (name !== 'activity') {
          this.emit('activity', {
            level: 'error',
            source: 'events',
            message: `Listener for ${String(name)} failed: ${(error as Error).message}`,
          });
        }
      }
    }
  }

  /** Returns an unsubscribe function. */
  on<K extends DomainEventName>(name: K, listener: Listener<K>): () => void {
    this.emitter.on(name, listener as (payload: unknown) => void);
    return () => this.emitter.off(name, listener as (payload: unknown) => void);
  }

  activity(level: ActivityLevel, source: string, message: string, details?: Record<string, unknown>): void {
    this.emit('activity', { level, source, message, details });
  }

  onModuleDestroy(): void {
    this.emitter.removeAllListeners();
  }
}
