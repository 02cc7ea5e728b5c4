import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { DomainEvents } from '@app/common';
import { ConfigStore } from '@app/config';
import { SERVICE_CAPACITY, type ServiceCapacity } from '@app/gateway';

/**
 * The live decode slots: what the speech-to-text pool can serve at once, bounded by
 * `streams.max_concurrent_decodes` when that is set (it never raises them above the pool's).
 */
export function decodeSlots(poolSlots: number, maxConcurrentDecodes: number | undefined): number {
  return maxConcurrentDecodes === undefined ? poolSlots : Math.min(poolSlots, maxConcurrentDecodes);
}

/**
 * How many live decodes the process sends into the speech-to-text engines at once, and the capacity that
 * admission measures the open streams' finals against. Derived from the pool (BackendPool's capacity: the
 * slots of instances healthy and with a closed breaker), so it drops when an instance dies and comes back
 * with it; told by the gateway (`gateway.capacity`), never polled.
 */
@Injectable()
export class DecodeCapacity implements OnModuleDestroy {
  private readonly changes = new EventEmitter();
  private readonly unsubscribe: (() => void)[];

  constructor(
    @Inject(SERVICE_CAPACITY) private readonly pool: ServiceCapacity,
    private readonly config: ConfigStore,
    events: DomainEvents,
  ) {
    // `streams` is read at boot only (not a tunable section), so the pool is all that changes.
    this.unsubscribe = [
      events.on('gateway.capacity', ({ service }) => {
        if (service === 'whisper') this.changes.emit('change');
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.changes.removeAllListeners();
  }

  /** The decode slots now; 0 when no speech-to-text instance can take a call. */
  get slots(): number {
    return decodeSlots(this.poolSlots, this.maxConcurrentDecodes);
  }

  /** What the speech-to-text pool serves at once now, before the configured bound. */
  get poolSlots(): number {
    return this.pool.capacity('whisper');
  }

  get maxConcurrentDecodes(): number | undefined {
    return this.config.current.streams.maxConcurrentDecodes;
  }

  /** Told whenever the slots may have changed; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }
}
