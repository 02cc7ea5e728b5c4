import type { ModuleRef } from '@nestjs/core';
import { RealtimeError } from './realtime-error';

/**
 * A provider of another module (engines, pipeline, health monitor) looked up when first needed rather than
 * injected: the real-time module works, and says which service is missing, in any deployment that lacks one.
 */
export class LazyProvider<T> {
  private resolved?: T;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly token: symbol,
    private readonly description: string,
  ) {}

  get(): T {
    if (this.resolved) return this.resolved;
    try {
      this.resolved = this.moduleRef.get<T>(this.token, { strict: false });
    } catch {
      throw new RealtimeError('SERVICE_UNAVAILABLE', `${this.description} is not available on this instance`);
    }
    return this.resolved;
  }
}
