import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { PipelineDriver } from './drivers/pipeline-driver';
import { PipelineStages } from './pipeline-stages';
import { PIPELINE_DRIVER, PIPELINE_RUNS_WORKERS } from './pipeline.tokens';

/** Starts the stage workers once everything is wired, and stops them before Redis connections close. */
@Injectable()
export class PipelineRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Pipeline');

  constructor(
    @Inject(PIPELINE_DRIVER) private readonly driver: PipelineDriver,
    @Inject(PIPELINE_RUNS_WORKERS) private readonly runsWorkers: boolean,
    private readonly stages: PipelineStages,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.runsWorkers) await this.driver.startWorkers(this.stages);
    else this.logger.log('Pipeline stages run in apps/pipeline-worker (run_workers_in_process: false)');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
