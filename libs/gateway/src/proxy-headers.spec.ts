import { downstreamResponseHeaders, upstreamRequestHeaders } from './proxy-headers';

describe('proxy headers', () => {
  it('drops hop-by-hop headers, the ones Connection names, host and expect on the way to the backend', () => {
    const headers = upstreamRequestHeaders(
      {
        host: 'gateway:3000',
        connection: 'keep-alive, X-Trace-Hop',
        'x-trace-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'websocket',
        expect: '100-continue',
        'proxy-authorization': 'Basic x',
        authorization: 'Bearer kept',
        'content-type': 'audio/wav',
      },
      { clientIp: '10.1.1.1', proto: 'https', host: 'gateway:3000', requestId: 'r-1' },
    );
    expect(headers).toEqual({
      authorization: 'Bearer kept',
      'content-type': 'audio/wav',
      'x-forwarded-for': '10.1.1.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gateway:3000',
      'x-request-id': 'r-1',
    });
  });

  it('appends the client to an X-Forwarded-For chain and replaces a client-sent request id', () => {
    const headers = upstreamRequestHeaders(
      { 'x-forwarded-for': '1.1.1.1, 2.2.2.2', 'x-request-id': 'spoofed' },
      { clientIp: '3.3.3.3', proto: 'http', host: undefined, requestId: 'r-2' },
    );
    expect(headers['x-forwarded-for']).toBe('1.1.1.1, 2.2.2.2, 3.3.3.3');
    expect(headers['x-request-id']).toBe('r-2');
    expect(headers['x-forwarded-host']).toBeUndefined();
  });

  it('passes end-to-end response headers back, multi-valued ones included', () => {
    expect(
      downstreamResponseHeaders({
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
        connection: 'close',
        'transfer-encoding': 'chunked',
      }),
    ).toEqual({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
  });
});

describe('proxy credentials and CORS', () => {
  const forwarded = { clientIp: '10.0.0.1', proto: 'http', host: undefined, requestId: 'r-3' };

  it("removes the orchestrator's own credential headers and sets the engine's", () => {
    const headers = upstreamRequestHeaders(
      { authorization: 'Bearer gateway-key', 'x-api-key': 'gateway-key', accept: 'application/json' },
      forwarded,
      { dropClientCredentials: true, engineHeaders: { authorization: 'Bearer engine-key' } },
    );
    expect(headers.authorization).toBe('Bearer engine-key');
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers.accept).toBe('application/json');
  });

  it('passes a client credential through when the orchestrator checks no keys and the engine has none', () => {
    const headers = upstreamRequestHeaders({ authorization: 'Bearer own-engine-key' }, forwarded, {
      dropClientCredentials: false,
      engineHeaders: {},
    });
    expect(headers.authorization).toBe('Bearer own-engine-key');
  });

  it("drops the backend's Access-Control-* headers from its answer", () => {
    expect(
      downstreamResponseHeaders({
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-secret',
        vary: 'Origin',
      }),
    ).toEqual({ 'content-type': 'application/json', vary: 'Origin' });
  });
});
