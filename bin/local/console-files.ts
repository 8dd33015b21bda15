/**
 * The web console on the local API server's own origin, under /console/: its built files, its runtime
 * configuration (config.json), and a build on first start when none exists. Same origin as the API, so the
 * console needs no CORS and is the one web origin the local token route accepts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

export const CONSOLE_PATH = '/console/';
export const CONSOLE_DIST = resolve(__dirname, '..', '..', 'console', 'dist');

export interface ConsoleOptions {
  /** The built console. @default CONSOLE_DIST */
  readonly root?: string;
  /** Served as /console/config.json (where the API is, how to sign in), read on every request. */
  readonly runtimeConfig: () => Promise<unknown>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** No framing by other sites (the sign-in page mints tokens), no type sniffing. */
const SECURITY_HEADERS = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/** Answers GET requests under /console/; false for any other path. */
export function consoleFiles(options: ConsoleOptions) {
  const root = resolve(options.root ?? CONSOLE_DIST);
  return async (method: string, pathname: string, response: ServerResponse): Promise<boolean> => {
    if (pathname === '/console') {
      response.writeHead(308, { location: CONSOLE_PATH });
      response.end();
      return true;
    }
    if (!pathname.startsWith(CONSOLE_PATH) || (method !== 'GET' && method !== 'HEAD')) return false;
    const relative = pathname.slice(CONSOLE_PATH.length);
    if (relative === 'config.json') {
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
      response.end(JSON.stringify(await options.runtimeConfig()));
      return true;
    }
    let file: string;
    try {
      file = resolve(root, decodeURIComponent(relative));
    } catch {
      file = '';
    }
    // A path without an extension is a page of the app: index.html answers it.
    if (!extname(relative)) file = join(root, 'index.html');
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      response.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
      response.end(existsSync(join(root, 'index.html')) ? 'Not Found' : 'The console is not built: npm run build -w console');
      return true;
    }
    // Vite names assets by content hash: they never change under one name.
    const cache = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cache });
    response.end(method === 'HEAD' ? undefined : await readFile(file));
    return true;
  };
}

/** Builds the console when it has never been built (first `npm start` after install). */
export function ensureConsoleBuilt(root = CONSOLE_DIST): void {
  if (existsSync(join(root, 'index.html'))) return;
  console.log('Building the web console (first start)…');
  const built = spawnSync('npm', ['run', 'build', '--workspace', 'console'], { cwd: resolve(__dirname, '..', '..'), stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the web console failed (npm run build -w console)');
}
