import { httpCorsOptions, originAllowed, socketIoAllowRequest } from './cors';
import type { IncomingMessage } from 'node:http';

describe('CORS', () => {
  it('enables nothing when no origin is configured', () => {
    expect(httpCorsOptions([])).toBeUndefined();
  });

  it('lists the configured origins, or reflects any for *', () => {
    expect(httpCorsOptions(['https://a.example'])?.origin).toEqual(['https://a.example']);
    expect(httpCorsOptions(['*'])?.origin).toBe(true);
    expect(httpCorsOptions(['https://a.example'])?.allowedHeaders).toContain('X-API-Key');
  });

  it('allows the same origin, listed origins and non-browser clients only', () => {
    expect(originAllowed(undefined, 'svc:3000', [])).toBe(true);
    expect(originAllowed('http://svc:3000', 'svc:3000', [])).toBe(true);
    expect(originAllowed('https://evil.example', 'svc:3000', [])).toBe(false);
    expect(originAllowed('https://a.example', 'svc:3000', ['https://a.example'])).toBe(true);
    expect(originAllowed('not a url', 'svc:3000', [])).toBe(false);
  });

  it('gives Socket.IO an allowRequest that refuses foreign origins', () => {
    const allow = socketIoAllowRequest(() => ['https://a.example']);
    const results: boolean[] = [];
    for (const origin of ['https://a.example', 'https://evil.example']) {
      allow({ headers: { origin, host: 'svc:3000' } } as IncomingMessage, (_error, ok) => results.push(ok));
    }
    expect(results).toEqual([true, false]);
  });
});
