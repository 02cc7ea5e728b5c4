/** Command-line options of the load tool, with the bounds that keep a run finite on a shared machine. */
export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds the connections are held after the ramp. */
  duration: number;
  /** New connections per second during the ramp. */
  rate: number;
  /** Seconds between heartbeats per connection. */
  heartbeat: number;
  /** Seconds between translation_stream messages per connection; 0 sends none. */
  translateEvery: number;
  /** Loopback source addresses 127.0.0.1..N to spread client ports over (loopback targets only). */
  addresses: number;
  json: boolean;
  /**
   * Live mode: each connection streams tone speech (CONTRACTS §3a) for `duration` seconds instead of holding
   * with heartbeats. Without `--url` the tool starts its own orchestrator with a tone-speech engine.
   */
  live?: boolean;
  /** Whether --url was given (live mode starts its own orchestrator otherwise). */
  urlGiven?: boolean;
}

export const LIMITS = {
  connections: 20000,
  duration: 3600,
  rate: 5000,
  addresses: 64,
  /** Live streams each send 10 frames a second and keep a decoder busy: far fewer than idle connections. */
  liveConnections: 500,
} as const;

const DEFAULTS: LoadOptions = {
  url: 'http://127.0.0.1:3000',
  connections: 1000,
  duration: 60,
  rate: 500,
  heartbeat: 25,
  translateEvery: 30,
  addresses: 8,
  json: false,
  live: false,
  urlGiven: false,
};

export const USAGE = `Usage: npm run load -- [--connections N] [--duration S] [--url URL] [--rate N/s]
       [--heartbeat S] [--translate-every S (0: none)] [--addresses N] [--json]
       npm run load -- --live [--connections N] [--duration S] [--url URL]
         (live streams of tone speech for S seconds each; without --url, its own orchestrator and engine)
Bounds: connections <= ${LIMITS.connections} (live: ${LIMITS.liveConnections}), duration <= ${LIMITS.duration} s, rate <= ${LIMITS.rate}/s.`;

export function parseLoadOptions(argv: string[]): LoadOptions {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (min: number, max: number): number => {
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
        throw new Error(`${flag} needs a number from ${min} to ${max}, got ${value}\n${USAGE}`);
      }
      i += 1;
      return parsed;
    };
    switch (flag) {
      case '--url':
        if (!value || !/^https?:\/\//.test(value)) throw new Error(`--url needs an http(s) URL\n${USAGE}`);
        options.url = value;
        options.urlGiven = true;
        i += 1;
        break;
      case '--connections':
        options.connections = Math.floor(number(1, LIMITS.connections));
        break;
      case '--duration':
        options.duration = number(1, LIMITS.duration);
        break;
      case '--rate':
        options.rate = number(1, LIMITS.rate);
        break;
      case '--heartbeat':
        options.heartbeat = number(0.1, 3600);
        break;
      case '--translate-every':
        options.translateEvery = number(0, 3600);
        break;
      case '--addresses':
        options.addresses = Math.floor(number(1, LIMITS.addresses));
        break;
      case '--json':
        options.json = true;
        break;
      case '--live':
        options.live = true;
        break;
      default:
        throw new Error(`Unknown option ${flag}\n${USAGE}`);
    }
  }
  if (options.live && options.connections > LIMITS.liveConnections)
    throw new Error(`--live takes at most ${LIMITS.liveConnections} connections\n${USAGE}`);
  return options;
}
