import { appendFileSync } from 'node:fs';

/**
 * A module loader hook (registered by record-loaded-modules.ts) that writes the URL of every module
 * a process loads through `import` to the file SCIMD_TEST_LOADED_MODULES names, one per line.
 */
export async function load(url: string, context: unknown, next: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  const loaded = await next(url, context);
  appendFileSync(process.env.SCIMD_TEST_LOADED_MODULES!, `${url}\n`);
  return loaded;
}
