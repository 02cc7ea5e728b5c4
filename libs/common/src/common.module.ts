import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';
import { METRICS_REGISTRY, createMetricsRegistry } from './metrics-registry';

@Global()
@Module({
  providers: [DomainEvents, { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }],
  exports: [DomainEvents, METRICS_REGISTRY],
})
export class CommonModule {}
