import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The client's address: X-Forwarded-For is believed only hop by hop from proxies in the trusted list (the
 * same rule Fastify applies to REST requests), so a client cannot claim another address by sending the header.
 */
export function trustFor(trustedProxies: string[]): TrustFunction {
  return trustedProxies.length > 0 ? proxyAddr.compile(trustedProxies) : () => false;
}

export function clientAddress(request: IncomingMessage, trust: TrustFunction): string {
  if (!request.socket?.remoteAddress) return 'unknown';
  return stripMappedPrefix(proxyAddr(request, trust));
}

/** IPv4 clients of a dual-stack listener appear as ::ffff:a.b.c.d. */
function stripMappedPrefix(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
