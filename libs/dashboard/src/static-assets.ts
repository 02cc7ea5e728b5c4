import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const DASHBOARD_PUBLIC_DIR = Symbol('DASHBOARD_PUBLIC_DIR');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The pages may only load what the orchestrator itself serves (the Socket.IO client included); this makes
 * an accidental CDN link fail loudly in the browser instead of leaking requests. blob: and mediastream are
 * for the microphone recorder.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface StaticFile {
  body: Buffer;
  headers: Record<string, string>;
  /** True when the client's cached copy is current: answer 304 without a body. */
  notModified: boolean;
}

/**
 * Serves the dashboard's files from one directory. File names are not fingerprinted (there is no bundler),
 * so every response says `no-cache`: browsers keep their copy but revalidate it with the ETag, and an
 * unchanged file costs a 304. Files are read per request so an edited asset shows on reload.
 */
@Injectable()
export class StaticAssets {
  constructor(@Inject(DASHBOARD_PUBLIC_DIR) private readonly root: string) {}

  async read(relativePath: string, ifNoneMatch?: string): Promise<StaticFile> {
    const path = this.resolve(relativePath);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new NotFoundException(`No dashboard asset ${relativePath}`);
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const type = CONTENT_TYPES[extname(path)];
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
      headers['referrer-policy'] = 'no-referrer';
    }
    if (ifNoneMatch?.split(/\s*,\s*/).includes(etag))
      return { body: Buffer.alloc(0), headers, notModified: true };
    return { body: await readFile(path), headers, notModified: false };
  }

  /** Only known file types strictly inside the root; anything else is simply not found. */
  private resolve(relativePath: string): string {
    const path = normalize(join(this.root, relativePath));
    const inside = path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
    if (!inside || !(extname(path) in CONTENT_TYPES) || relativePath.includes('\0'))
      throw new NotFoundException(`No dashboard asset ${relativePath}`);
    return path;
  }
}
