import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_HEADERS } from './console-headers.js';
import { consoleMissingPage } from './console-missing.js';

/**
 * The built console (see console/): `/` is its index.html, `/assets/*` its hashed files. Each
 * build changes every asset's name, so assets are cached for good and index.html never is.
 */
export interface ConsoleOptions {
  /** The folder Vite built the console into. */
  directory: string;
}

/** `SCIMD_CONSOLE_DIR`, or dist/console beside the compiled code's checkout. */
export function defaultConsoleDirectory(): string {
  if (process.env.SCIMD_CONSOLE_DIR) return process.env.SCIMD_CONSOLE_DIR;
  // This file compiles to <root>/<outDir>/src/http/console/console-routes.js.
  return join(fileURLToPath(new URL('../../../../', import.meta.url)), 'dist', 'console');
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};
/** Vite's asset names: no slashes, no dots but the extension's, so no path can escape the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const secure = (reply: FastifyReply) => reply.headers(CONSOLE_HEADERS);

  app.get('/', async (_request, reply) => {
    const html = await readFile(join(options.directory, 'index.html'), 'utf8').catch(() => undefined);
    secure(reply).header('cache-control', 'no-cache');
    if (html === undefined) return reply.code(503).type('text/html; charset=utf-8').send(consoleMissingPage(options.directory));
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get('/assets/*', async (request, reply) => {
    // The raw URL keeps the name's case, which the case-insensitive router may not.
    const name = decodeURIComponent(request.url.split('?')[0].slice('/assets/'.length));
    const type = CONTENT_TYPES[extname(name)];
    const body = ASSET_NAME.test(name) && type ? await readFile(join(options.directory, 'assets', name)).catch(() => undefined) : undefined;
    secure(reply);
    if (body === undefined) return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found\n');
    return reply.header('cache-control', IMMUTABLE).type(type).send(body);
  });
}
