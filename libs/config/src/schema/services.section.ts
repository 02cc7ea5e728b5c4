import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SERVICE_NAMES, engineKindsOf, isEngineKind } from '../engine-kinds';

export class ServiceInstanceConfig {
  @IsString()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'url must be an http(s) URL without query or fragment',
  })
  url: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  weight = 1;
}

export class BackendServiceConfig {
  @IsString()
  kind = 'livetranslate';

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ServiceInstanceConfig)
  instances: ServiceInstanceConfig[];

  /** Path probed by the health monitor; empty means the engine kind's default. */
  @IsOptional()
  @IsString()
  @Matches(/^\//, { message: 'healthEndpoint must start with /' })
  healthEndpoint?: string;

  @IsOptional()
  @IsString()
  apiKey?: string;

  /**
   * Concurrent calls per instance of this service, overriding gateway.max_concurrent_per_instance;
   * unset means the engine kind's default (ENGINE_KINDS: whisper-cpp serves one at a time), else the gateway's.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  maxConcurrentPerInstance?: number;

  /** Model asked of speech-to-text engines that take one. */
  @IsOptional()
  @IsString()
  model?: string;
}

export class ServicesSection {
  @ValidateNested()
  @Type(() => BackendServiceConfig)
  whisper: BackendServiceConfig;

  @ValidateNested()
  @Type(() => BackendServiceConfig)
  speaker: BackendServiceConfig;

  @ValidateNested()
  @Type(() => BackendServiceConfig)
  translation: BackendServiceConfig;
}

/** Kinds are checked here rather than with @IsIn because the allowed set depends on the service. */
export function engineKindErrors(
  services: ServicesSection,
): { field: string; message: string; value: string }[] {
  return SERVICE_NAMES.filter((name) => !isEngineKind(name, services[name].kind)).map((name) => ({
    field: `services.${name}.kind`,
    value: services[name].kind,
    message: `must be one of ${engineKindsOf(name).join(', ')}`,
  }));
}
