/** The backend services the orchestrator fronts. */
export const SERVICE_NAMES = ['whisper', 'speaker', 'translation'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** An answer that means "alive but not ready yet": the instance is degraded, not down. */
export interface DegradedAnswer {
  status: number;
  /** The body's `status` field must say this too. */
  bodyStatus: string;
}

/**
 * How an engine takes its API key (CONTRACTS §4): `Authorization: Bearer`, an `api_key` request field (JSON
 * body member or query parameter), or not at all.
 */
export type CredentialForm = 'bearer' | 'api_key_field' | 'none';

/**
 * A route of an engine kind's own HTTP API (CONTRACTS §4, §5), by which the generic proxy
 * (`/api/<service>/*`) tells which kinds of a mixed pool a request is for.
 */
export interface EngineRoute {
  /** Path under the instance's base URL; a `*` segment stands for any one segment (a model name). */
  path: string;
  /**
   * Parameters (query, or top-level members of a JSON or form body) that mark a request as this kind's
   * where another kind of the service serves the same path: Apertium's `/translate` takes `langpair`,
   * LibreTranslate's `q` and `target`. All must be present. Read only to choose between such kinds.
   */
  params?: readonly string[];
  /**
   * A POST here is work that can be done again (a transcription, translation or diarisation: issue #18),
   * so the proxy may repeat it on another instance when it holds the body whole.
   */
  repeatable?: boolean;
}

/** What the orchestrator knows about one engine kind, apart from its adapter (libs/engines). */
export interface EngineKindFacts {
  /** How its configured key reaches it, by the adapters and the proxy alike (libs/gateway engine-credentials). */
  credential: CredentialForm;
  /** Health paths, preferred first; the next one is tried when a path is not served (404/405). */
  healthPaths: readonly string[];
  /** Non-2xx health answers that mean degraded rather than down (2xx is up, 429 is degraded for every kind). */
  degradedAnswers?: readonly DegradedAnswer[];
  /** Concurrent calls per instance unless configured; absent means the gateway default. */
  maxConcurrent?: number;
  /**
   * Speech-to-text kinds without a cap of their own: the decodes an instance is assumed to run at once when
   * no cap is configured for it, as the live streams' decode capacity counts it (docs/streams.md). The
   * gateway's default cap (100) bounds a queue, not a decoder, so it is not taken for one.
   */
  decodeSlots?: number;
  /** Where an instance says what it can do: language pairs (translation) or models (speech-to-text). */
  discovery: { languages?: string; models?: string };
  /** Its API's other routes (the health and discovery paths above are routes too: see engineRoutes). */
  routes: readonly EngineRoute[];
  /**
   * How a speech-to-text kind is told the model, and which it is asked for when none is configured:
   * `field` (a form field, required), `path` (a path segment of the platform's own service, which alone
   * takes the platform's model names from the settings), `none` (the server hosts one model).
   */
  model?: { sentAs: 'field' | 'path' | 'none'; default?: string };
}

/**
 * Every engine kind per service (CONTRACTS §4, §5): the one table that config validation, the gateway's
 * bulkheads, the health monitor and capability discovery read. The adapter of each kind is keyed by the
 * same names in libs/engines (engine-catalogue.ts), so the compiler refuses a kind without one.
 * It lives here because config validates kind names and must not import the engines.
 */
export const ENGINE_KINDS = {
  whisper: {
    livetranslate: {
      credential: 'none',
      healthPaths: ['/health'],
      discovery: { models: '/models' },
      routes: [
        { path: '/api/models' },
        { path: '/transcribe', repeatable: true },
        { path: '/transcribe/*', repeatable: true },
        { path: '/stream/configure' },
        { path: '/stream/start' },
        { path: '/stream/stop' },
        { path: '/stream/audio' },
        { path: '/stream/transcriptions' },
      ],
      model: { sentAs: 'path' },
      // It does not say how many requests it decodes at once; 4 is what live streams assumed before
      // capacity was derived from the pool, so a default deployment keeps its behaviour.
      decodeSlots: 4,
    },
    // OpenAI-compatible servers do not all serve /health; /v1/models is the one route they share. `model`
    // is required; single-model servers (speaches, LocalAI) accept any name, OpenAI itself `whisper-1`.
    openai: {
      credential: 'bearer',
      healthPaths: ['/health', '/v1/models'],
      discovery: { models: '/v1/models' },
      routes: [{ path: '/v1/audio/transcriptions', repeatable: true }],
      model: { sentAs: 'field', default: 'whisper-1' },
      // Such servers range from one decode at a time (faster-whisper with one worker, whisper.cpp behind
      // LocalAI) to dozens (vLLM's batching, OpenAI itself), and none reports it. Assuming too many loses the
      // finals-first order in the engine's own queue (bench/README: final p95 4× worse at 4 per real slot);
      // too few sheds interims and refuses streams early. 4 bounds the first (a final waits behind at most
      // three decodes in an engine of one slot) and keeps the former default; configure the instance's
      // `max_concurrent` (`url|weight|cap`) to say what it really serves.
      decodeSlots: 4,
    },
    // whisper.cpp transcribes one request at a time (more only queue inside it) and has no model list:
    // it hosts the model it was started with.
    'whisper-cpp': {
      credential: 'none',
      healthPaths: ['/health'],
      degradedAnswers: [{ status: 503, bodyStatus: 'loading model' }],
      maxConcurrent: 1,
      discovery: {},
      routes: [{ path: '/inference', repeatable: true }],
      model: { sentAs: 'none' },
    },
  },
  speaker: {
    livetranslate: {
      credential: 'none',
      healthPaths: ['/health'],
      discovery: {},
      routes: [{ path: '/diarize', repeatable: true }],
    },
  },
  translation: {
    livetranslate: {
      credential: 'none',
      healthPaths: ['/api/health'],
      discovery: { languages: '/languages' },
      routes: [
        { path: '/health' },
        { path: '/api/translate', params: ['text'], repeatable: true },
        { path: '/translate', params: ['text'], repeatable: true },
        { path: '/translate/stream', repeatable: true },
        { path: '/detect_language', repeatable: true },
      ],
    },
    libretranslate: {
      credential: 'api_key_field',
      healthPaths: ['/health'],
      discovery: { languages: '/languages' },
      routes: [{ path: '/translate', params: ['q', 'target'], repeatable: true }],
    },
    apertium: {
      credential: 'none',
      healthPaths: ['/listPairs'],
      discovery: { languages: '/listPairs' },
      routes: [{ path: '/translate', params: ['langpair'], repeatable: true }],
    },
  },
} as const satisfies Record<ServiceName, Record<string, EngineKindFacts>>;

/** The kind names of one service (`EngineKind<'whisper'>` is `'livetranslate' | 'openai' | 'whisper-cpp'`). */
export type EngineKind<S extends ServiceName = ServiceName> = S extends ServiceName
  ? keyof (typeof ENGINE_KINDS)[S] & string
  : never;

export function engineKindsOf(service: ServiceName): string[] {
  return Object.keys(ENGINE_KINDS[service]);
}

export function isEngineKind<S extends ServiceName>(service: S, kind: string): kind is EngineKind<S> {
  return Object.hasOwn(ENGINE_KINDS[service], kind);
}

/** The facts of a kind that config validation has accepted. */
export function engineKindFacts(service: ServiceName, kind: string): EngineKindFacts {
  const table: Record<string, EngineKindFacts> = ENGINE_KINDS[service];
  const facts = table[kind];
  if (!facts)
    throw new Error(`${service} has no engine kind "${kind}" (known: ${engineKindsOf(service).join(', ')})`);
  return facts;
}

/** Every route a kind serves: its health and discovery paths, then the rest of its API. */
export function engineRoutes(service: ServiceName, kind: string): EngineRoute[] {
  const facts = engineKindFacts(service, kind);
  const discovery: { languages?: string; models?: string } = facts.discovery;
  const plain = [...facts.healthPaths, discovery.languages, discovery.models].filter(
    (path): path is string => path !== undefined,
  );
  const listed = new Set(facts.routes.map((route) => route.path));
  return [
    ...[...new Set(plain)].filter((path) => !listed.has(path)).map((path) => ({ path })),
    ...facts.routes,
  ];
}
