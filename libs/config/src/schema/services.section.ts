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

  /** This instance's engine kind when it differs from the service's `kind` (a mixed pool). */
  @IsOptional()
  @IsString()
  kind?: string;

  /**
   * Tier: 0 is served first; an instance of a higher number gets calls only while every instance of the
   * lower tiers is down or has an open breaker (or has already failed this call). Absent means 0.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  priority?: number;

  /**
   * Concurrent calls this instance takes, over the service's `max_concurrent_per_instance` and its kind's
   * default (whisper.cpp: 1); calls beyond it wait in the gateway for a free instance. `kind=url|weight|cap`
   * in a `*_SERVICE_URL`, `max_concurrent:` in YAML.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxConcurrent?: number;

  /** The model asked of this instance, over the service's `model` (engines that take one; YAML only). */
  @IsOptional()
  @IsString()
  model?: string;
}

/** The engine kind of one instance: its own `kind=`, else the service's. */
export function instanceKind(service: BackendServiceConfig, instance: ServiceInstanceConfig): string {
  return instance.kind ?? service.kind;
}

/**
 * The configured model of the instance a call went to (gateway ids are `<service>-<index>` of
 * `instances`), else the service's; undefined when neither names one.
 */
export function configuredModel(service: BackendServiceConfig, instanceId?: string): string | undefined {
  const index = instanceId === undefined ? undefined : /-(\d+)$/.exec(instanceId)?.[1];
  const instance = index === undefined ? undefined : service.instances[Number(index)];
  return instance?.model ?? service.model;
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

  /**
   * Translation only: the language a pair that no instance serves directly is translated through, when one
   * instance serves source→pivot and one pivot→target (ISO 639-1; English when unset).
   */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,3}$/, { message: 'pivotLanguage must be an ISO 639-1 code such as en' })
  pivotLanguage?: string;

  /**
   * Model asked of speech-to-text engines that take one (WHISPER_MODEL); unset means the kind's own default
   * (ENGINE_KINDS `defaultModel`: `whisper-1` for openai) or, for the platform's own service, the
   * `default_whisper_model` setting.
   */
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

/**
 * Kinds are checked here rather than with @IsIn because the allowed set depends on the service. An
 * instance's own kind is checked too; an unknown service kind is not blamed again on its bare instances.
 */
export function engineKindErrors(
  services: ServicesSection,
): { field: string; message: string; value: string }[] {
  return SERVICE_NAMES.flatMap((name) => {
    const message = `must be one of ${engineKindsOf(name).join(', ')}`;
    const service = services[name];
    const serviceError = isEngineKind(name, service.kind)
      ? []
      : [{ field: `services.${name}.kind`, value: service.kind, message }];
    const instanceErrors = service.instances.flatMap((instance, index) =>
      instance.kind === undefined || isEngineKind(name, instance.kind)
        ? []
        : [{ field: `services.${name}.instances[${index}].kind`, value: instance.kind, message }],
    );
    return [...serviceError, ...instanceErrors];
  });
}
