import type { IncomingMessage } from 'node:http';
import { clientAddress, trustFor } from './client-address';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress(request('::ffff:10.0.0.5', '1.2.3.4'), trustFor([]))).toBe('10.0.0.5');
  });

  it('takes the forwarded address from a trusted proxy', () => {
    expect(clientAddress(request('10.0.0.5', '1.2.3.4'), trustFor(['10.0.0.0/8']))).toBe('1.2.3.4');
  });

  it('stops at the first untrusted hop, so a client cannot spoof through a trusted proxy', () => {
    const trust = trustFor(['10.0.0.5']);
    expect(clientAddress(request('10.0.0.5', '6.6.6.6, 2.2.2.2'), trust)).toBe('2.2.2.2');
  });

  it('does not believe the header from an untrusted peer', () => {
    expect(clientAddress(request('192.168.1.9', '1.2.3.4'), trustFor(['10.0.0.0/8']))).toBe('192.168.1.9');
  });
});
