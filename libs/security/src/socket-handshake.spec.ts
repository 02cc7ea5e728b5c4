import { HandshakeRefusedError, handshakeApiKeyError, handshakeApiKeyMiddleware } from './socket-handshake';

describe('Socket.IO handshake API key', () => {
  it('accepts any handshake when no key is configured', () => {
    expect(handshakeApiKeyError({}, [])).toBeUndefined();
  });

  it('accepts auth.token or the REST headers, refuses missing and wrong keys', () => {
    const keys = ['k1'];
    expect(handshakeApiKeyError({ auth: { token: 'k1' } }, keys)).toBeUndefined();
    expect(handshakeApiKeyError({ headers: { 'x-api-key': 'k1' } }, keys)).toBeUndefined();
    expect(handshakeApiKeyError({ auth: {} }, keys)?.data.code).toBe('UNAUTHORIZED');
    expect(handshakeApiKeyError({ auth: { token: 'k2' } }, keys)?.data.code).toBe('FORBIDDEN');
  });

  it('as middleware, reads the keys per handshake and passes the refusal to next', () => {
    let keys = ['k1'];
    const middleware = handshakeApiKeyMiddleware(() => keys);
    const outcomes: (Error | undefined)[] = [];
    middleware({ handshake: { auth: { token: 'k2' } } }, (error) => outcomes.push(error));
    keys = ['k2'];
    middleware({ handshake: { auth: { token: 'k2' } } }, (error) => outcomes.push(error));
    expect(outcomes[0]).toBeInstanceOf(HandshakeRefusedError);
    expect(outcomes[1]).toBeUndefined();
  });
});
