import { IsInt, IsNumber, Max, Min } from 'class-validator';

/**
 * Input and connection limits of the HTTP server. Anything over a limit is refused early with a JSON error
 * (413, 414, 431, 408) instead of being buffered, parsed or kept open.
 */
export class LimitsSection {
  /** Largest JSON or form body on ordinary routes. */
  @IsInt()
  @Min(1024)
  jsonBodyBytes = 1024 * 1024;

  /** Largest body forwarded to a backend through /api/whisper|speaker|translation (audio uploads). */
  @IsInt()
  @Min(1024)
  proxyBodyBytes = 50 * 1024 * 1024;

  /** Longer request targets (path + query) are refused with 414. */
  @IsInt()
  @Min(256)
  @Max(65536)
  maxUrlLength = 8192;

  /** Node's limit on the request line plus all headers; over it the connection gets 431. */
  @IsInt()
  @Min(4096)
  @Max(1024 * 1024)
  maxHeaderBytes = 16 * 1024;

  /** Seconds a client has to send all headers: the slowloris bound. */
  @IsNumber()
  @Min(0.1)
  @Max(300)
  headersTimeoutSeconds = 15;

  /** Seconds a client has to send the whole request, body included (a slow upload is cut after it). */
  @IsNumber()
  @Min(1)
  @Max(3600)
  requestTimeoutSeconds = 120;

  /**
   * Seconds an idle keep-alive connection stays open. Above a load balancer's own idle timeout (60 s on
   * most), so the balancer, not this server, closes idle connections and never reuses a closed one.
   */
  @IsNumber()
  @Min(1)
  @Max(3600)
  keepAliveTimeoutSeconds = 72;
}
