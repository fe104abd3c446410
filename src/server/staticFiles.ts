/**
 * The built web app (dist/web), served from the package itself: no CDN, nothing fetched. Paths
 * are resolved inside the folder only; any page address that is not a file gets index.html, and
 * the app reads its page and filters from the address.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Hashed asset names never change, so they may be cached for long. */
  immutable: boolean;
}

export class StaticFiles {
  private readonly cache = new Map<string, StaticFile>();

  constructor(readonly root: string) {}

  get available(): boolean {
    return existsSync(path.join(this.root, 'index.html'));
  }

  /** The file for a URL path, index.html for a page address, or undefined. */
  lookup(urlPath: string): StaticFile | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath.split('?')[0]!);
    } catch {
      return undefined;
    }
    const relative = path.normalize(decoded).replace(/^([/\\])+/, '');
    const file = path.resolve(this.root, relative);
    if (file !== this.root && !file.startsWith(this.root + path.sep)) return undefined;
    const isFile = existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      // A page address (no extension) is the app; a missing asset is a 404.
      if (path.extname(relative) !== '') return undefined;
      return this.read(path.join(this.root, 'index.html'), false);
    }
    return this.read(file, relative.startsWith(`assets${path.sep}`));
  }

  private read(file: string, immutable: boolean): StaticFile | undefined {
    const hit = this.cache.get(file);
    if (hit !== undefined) return hit;
    if (!existsSync(file)) return undefined;
    const found = {
      body: readFileSync(file),
      type: TYPES[path.extname(file)] ?? 'application/octet-stream',
      immutable,
    };
    this.cache.set(file, found);
    return found;
  }
}
