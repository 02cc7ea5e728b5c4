import { SERVICE_NAMES, engineKindsOf, engineRoutes } from '@app/config';
import { parameterNames, routeByKind, routeByParams, type KindDecision } from './proxy-kinds';

const kindsOf = (decision: KindDecision) => {
  if ('refused' in decision) return decision.refused.code;
  if (!decision.decided) return decision.candidates.map((candidate) => candidate.kind);
  return decision.kinds ? [...decision.kinds] : 'any';
};

describe('proxy routing by engine kind', () => {
  const stt = ['openai', 'whisper-cpp'];

  it('sends a path to the kinds of the pool whose API has it', () => {
    expect(kindsOf(routeByKind('whisper', stt, '/inference?x=1', undefined))).toEqual(['whisper-cpp']);
    expect(kindsOf(routeByKind('whisper', stt, '/v1/audio/transcriptions', undefined))).toEqual(['openai']);
    expect(kindsOf(routeByKind('whisper', stt, '/health', undefined))).toEqual(['openai', 'whisper-cpp']);
    // Matched on decoded segments, as the engine will read them; `*` is one segment.
    expect(kindsOf(routeByKind('whisper', stt, '/inferenc%65', undefined))).toEqual(['whisper-cpp']);
    expect(kindsOf(routeByKind('whisper', ['livetranslate'], '/transcribe/base', undefined))).toEqual([
      'livetranslate',
    ]);
  });

  it('refuses a path only kinds outside the pool serve, naming them', () => {
    const decision = routeByKind('whisper', ['openai'], '/inference', undefined);
    expect('refused' in decision && decision.refused).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_SERVED',
      details: { service: 'whisper', path: '/inference', kinds: ['whisper-cpp'], pool_kinds: ['openai'] },
    });
  });

  it('passes an unlisted path on in a one-kind pool, and refuses it in a mixed one', () => {
    expect(routeByKind('whisper', ['livetranslate'], '/items/1', undefined)).toMatchObject({
      kinds: undefined,
      routing: 'any',
    });
    const mixed = routeByKind('whisper', stt, '/items/1', undefined);
    expect('refused' in mixed && mixed.refused.message).toMatch(/name one with the x-engine-kind header/);
  });

  it('takes the kind the client names, for any path, and refuses a kind the pool or service lacks', () => {
    expect(routeByKind('whisper', stt, '/load', 'whisper-cpp')).toMatchObject({ routing: 'pinned' });
    expect(kindsOf(routeByKind('whisper', stt, '/load', 'whisper-cpp'))).toEqual(['whisper-cpp']);
    expect(kindsOf(routeByKind('whisper', stt, '/health', 'livetranslate'))).toBe('ROUTE_NOT_SERVED');
    const unknown = routeByKind('whisper', stt, '/health', 'deepgram');
    expect('refused' in unknown && unknown.refused).toMatchObject({
      status: 400,
      code: 'BAD_ENGINE_KIND',
      details: { field: 'x-engine-kind', kind: 'deepgram' },
    });
  });

  it("tells kinds that share a path apart by the request's parameters", () => {
    const pool = ['libretranslate', 'apertium'];
    const shared = routeByKind('translation', pool, '/translate', undefined);
    expect(shared.decided).toBe(false);
    if (shared.decided) return;
    const by = (names: string[]) =>
      kindsOf(routeByParams('translation', '/translate', shared.candidates, new Set(names)));
    expect(by(['q', 'source', 'target'])).toEqual(['libretranslate']);
    expect(by(['langpair', 'q'])).toEqual(['apertium']);
    const neither = routeByParams('translation', '/translate', shared.candidates, new Set(['text']));
    expect('refused' in neither && neither.refused.details).toMatchObject({
      params: { libretranslate: ['q', 'target'], apertium: ['langpair'] },
    });
    // A path only one of them serves needs no parameters.
    expect(kindsOf(routeByKind('translation', pool, '/listPairs', undefined))).toEqual(['apertium']);
  });

  it('marks transcription and translation POSTs as repeatable work, other routes not', () => {
    expect(routeByKind('whisper', stt, '/inference', undefined)).toMatchObject({ repeatable: true });
    expect(routeByKind('whisper', ['livetranslate'], '/stream/audio', undefined)).toMatchObject({
      repeatable: false,
    });
  });

  it('reads parameter names from the query and from JSON or form bodies', () => {
    expect([...parameterNames('/t?langpair=eng|spa&q=hi', undefined, undefined)]).toEqual(['langpair', 'q']);
    const json = Buffer.from(JSON.stringify({ q: 'hi', target: 'es' }));
    expect([...parameterNames('/t', json, 'application/json')]).toEqual(['q', 'target']);
    expect([
      ...parameterNames('/t', Buffer.from('langpair=eng%7Cspa&q=hi'), 'application/x-www-form-urlencoded'),
    ]).toEqual(['langpair', 'q']);
    expect([...parameterNames('/t', Buffer.from('not json'), 'application/json')]).toEqual([]);
  });

  it('gives every kind its health path among its routes, and no kind a route twice', () => {
    for (const service of SERVICE_NAMES) {
      for (const kind of engineKindsOf(service)) {
        const paths = engineRoutes(service, kind).map((route) => route.path);
        expect(new Set(paths).size).toBe(paths.length);
        paths.forEach((path) => expect(path).toMatch(/^\//));
      }
    }
  });
});
