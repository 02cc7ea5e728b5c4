import { IsArray, IsInt, IsString, Max, Min, MinLength } from 'class-validator';

export class FrontendSection {
  @IsString()
  @MinLength(1)
  host = '0.0.0.0';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  /** Kept from the product description's YAML; Node serves on one event loop, scale with more instances. */
  @IsInt()
  @Min(1)
  workers = 1;

  /** Empty: same origin only. */
  @IsArray()
  @IsString({ each: true })
  corsOrigins: string[] = [];

  /** Proxies whose X-Forwarded-For is believed (IPs or CIDRs, as Fastify's trustProxy accepts). */
  @IsArray()
  @IsString({ each: true })
  trustedProxies: string[] = [];

  /** Seconds that SIGTERM waits for in-flight requests before closing them. */
  @IsInt()
  @Min(0)
  shutdownGraceSeconds = 10;
}
