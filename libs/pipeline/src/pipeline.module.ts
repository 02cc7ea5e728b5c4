import { DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/common';
import { BOOT_CONFIG, ConfigStore, type OrchestrationConfig } from '@app/config';
import { RedisConnections } from '@app/storage';
import { ADMISSION } from './admission/admission.types';
import { HeldBytesBudget, readBudget } from './admission/held-bytes-budget';
import { PipelineAdmission } from './admission/pipeline-admission';
import { BullmqPipelineDriver } from './drivers/bullmq-driver';
import { InProcessPipelineDriver } from './drivers/in-process-driver';
import type { PipelineDriver } from './drivers/pipeline-driver';
import { PipelineMetrics } from './pipeline-metrics';
import { PipelineController } from './pipeline.controller';
import { PipelineJobs } from './pipeline.service';
import { PipelineRunner } from './pipeline-runner';
import { PipelineStages } from './pipeline-stages';
import {
  PIPELINE_BUDGET,
  PIPELINE_DRIVER,
  PIPELINE_METRICS,
  PIPELINE_RUNS_WORKERS,
  PIPELINE_STATE,
} from './pipeline.tokens';
import { PIPELINE } from './pipeline.types';

export interface PipelineModuleOptions {
  /** `orchestrator`: REST API, and workers when `pipeline.run_workers_in_process`; `worker`: workers only. */
  role: 'orchestrator' | 'worker';
}

/** The one place that picks the driver: BullMQ when REDIS_URL is set, else in-process. */
function createDriver(redis: RedisConnections, config: ConfigStore): PipelineDriver {
  const settings = () => config.current.pipeline;
  return redis.enabled ? new BullmqPipelineDriver(redis, settings) : new InProcessPipelineDriver(settings);
}

/**
 * The transcription → translation pipeline. Needs the engines (EnginesModule), SESSION_STORE and
 * RESULT_PUBLISHER from the modules that provide them globally.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineModuleOptions): DynamicModule {
    return {
      module: PipelineModule,
      global: true,
      controllers: options.role === 'orchestrator' ? [PipelineController] : [],
      providers: [
        { provide: PIPELINE_DRIVER, inject: [RedisConnections, ConfigStore], useFactory: createDriver },
        {
          provide: PIPELINE_STATE,
          inject: [PIPELINE_DRIVER],
          useFactory: (driver: PipelineDriver) => driver.state,
        },
        {
          provide: PIPELINE_RUNS_WORKERS,
          inject: [PIPELINE_DRIVER, BOOT_CONFIG],
          // Without Redis nobody else can run the stages, whatever the setting says.
          useFactory: (driver: PipelineDriver, config: OrchestrationConfig) =>
            options.role === 'worker' || driver.kind === 'in-process' || config.pipeline.runWorkersInProcess,
        },
        {
          provide: PIPELINE_METRICS,
          inject: [METRICS_REGISTRY, PIPELINE_DRIVER, ConfigStore],
          useFactory: (registry: Registry, driver: PipelineDriver, config: ConfigStore) =>
            new PipelineMetrics(
              registry,
              () => driver.depths(),
              () => readBudget(driver.state, config.current.pipeline),
            ),
        },
        {
          provide: PIPELINE_BUDGET,
          inject: [PIPELINE_DRIVER, ConfigStore, PIPELINE_METRICS],
          useFactory: (driver: PipelineDriver, config: ConfigStore, metrics: PipelineMetrics) =>
            new HeldBytesBudget(
              driver.state,
              () => config.current.pipeline,
              (records) => metrics.evicted(records),
            ),
        },
        PipelineAdmission,
        { provide: ADMISSION, useExisting: PipelineAdmission },
        PipelineStages,
        PipelineJobs,
        { provide: PIPELINE, useExisting: PipelineJobs },
        PipelineRunner,
      ],
      exports: [PIPELINE, ADMISSION],
    };
  }
}
