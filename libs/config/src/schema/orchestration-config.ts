import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { FrontendSection } from './frontend.section';
import { GatewaySection } from './gateway.section';
import { LimitsSection } from './limits.section';
import { LoggingSection } from './logging.section';
import { MetricsSection } from './metrics.section';
import { MonitoringSection } from './monitoring.section';
import { OrchestrationSection } from './orchestration.section';
import { PipelineSection } from './pipeline.section';
import { RateLimitSection } from './rate-limit.section';
import { RedisSection } from './redis.section';
import { SecuritySection } from './security.section';
import { ServicesSection } from './services.section';
import { SessionsSection } from './sessions.section';
import { StreamsSection } from './streams.section';
import { WebsocketSection } from './websocket.section';

/** The whole typed configuration. YAML keys are the snake_case forms of these names. */
export class OrchestrationConfig {
  @ValidateNested() @Type(() => OrchestrationSection) orchestration: OrchestrationSection;
  @ValidateNested() @Type(() => FrontendSection) frontend: FrontendSection;
  @ValidateNested() @Type(() => WebsocketSection) websocket: WebsocketSection;
  @ValidateNested() @Type(() => GatewaySection) gateway: GatewaySection;
  @ValidateNested() @Type(() => MonitoringSection) monitoring: MonitoringSection;
  @ValidateNested() @Type(() => ServicesSection) services: ServicesSection;
  @ValidateNested() @Type(() => SecuritySection) security: SecuritySection;
  @ValidateNested() @Type(() => LoggingSection) logging: LoggingSection;
  @ValidateNested() @Type(() => RedisSection) redis: RedisSection;
  @ValidateNested() @Type(() => PipelineSection) pipeline: PipelineSection;
  @ValidateNested() @Type(() => SessionsSection) sessions: SessionsSection;
  @ValidateNested() @Type(() => LimitsSection) limits: LimitsSection = new LimitsSection();
  @ValidateNested() @Type(() => RateLimitSection) rateLimit: RateLimitSection = new RateLimitSection();
  /** Defaulted here rather than in the loader's section list, so configs without the key stay valid. */
  @ValidateNested() @Type(() => MetricsSection) metrics: MetricsSection = new MetricsSection();
  @ValidateNested() @Type(() => StreamsSection) streams: StreamsSection = new StreamsSection();
}

export {
  FrontendSection,
  GatewaySection,
  LimitsSection,
  LoggingSection,
  MetricsSection,
  MonitoringSection,
  OrchestrationSection,
  PipelineSection,
  RateLimitSection,
  RedisSection,
  SecuritySection,
  ServicesSection,
  SessionsSection,
  StreamsSection,
  WebsocketSection,
};
