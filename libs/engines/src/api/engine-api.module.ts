import { Module } from '@nestjs/common';
import { EngineApiController } from './engine-api.controller';

/** The engine-agnostic REST routes; the orchestrator's only (the pipeline worker serves no HTTP). */
@Module({ controllers: [EngineApiController] })
export class EngineApiModule {}
