import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScimd } from '../support/scimd-cli.js';
import { CLI } from '../support/scimd-process.js';

const RECORDER = fileURLToPath(new URL('../support/record-loaded-modules.js', import.meta.url));

/** What a server or a database needs and a command that only prints must not load. */
const HEAVY = ['fastify', 'better-sqlite3', 'pg', 'undici', 'nodemailer', 'ldapts'];

/** Runs the CLI with the recorder and returns the packages and scimd modules it imported. */
function loadedBy(args: string[], dir: string): Promise<{ packages: Set<string>; modules: string[] }> {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', RECORDER, CLI, ...args], { env: { ...process.env, SCIMD_TEST_LOADED_MODULES: log }, timeout: 30_000 }, (error) => {
      if (error) return reject(error);
      const urls = readFileSync(log, 'utf8').trim().split('\n');
      const packages = new Set(urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((p): p is string => p !== undefined));
      const modules = urls.map((url) => /\/dist\/src\/(.*)$/.exec(url)?.[1]).filter((m): m is string => m !== undefined);
      resolve({ packages, modules });
    });
  });
}

describe('what a CLI command loads when it starts', () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-imports-'));
    db = join(dir, 'scimd.db');
    assert.equal((await runScimd(['migrate', '--db', db])).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help loads commander and the command definitions, none of the server, the stores, the engine or the HTTP clients', async () => {
    const { packages, modules } = await loadedBy(['--help'], dir);
    assert.deepEqual([...packages].filter((p) => HEAVY.includes(p)), []);
    assert.ok(packages.has('commander'), 'the recorder sees the packages imported');
    assert.deepEqual(modules.filter((m) => /^(store\/sqlite|store\/postgres|http\/app|provisioning\/engine\/run-cycle|webhooks\/webhook-sender)/.test(m)), []);
  });

  it('a command on a SQLite database loads SQLite and what the command uses, not PostgreSQL, Fastify, the engine, the webhook sender or the mailer', async () => {
    const { packages, modules } = await loadedBy(['directory', 'list', '--db', db], dir);
    assert.ok(packages.has('better-sqlite3'));
    assert.deepEqual([...packages].filter((p) => HEAVY.includes(p) && p !== 'better-sqlite3'), []);
    assert.deepEqual(modules.filter((m) => /^(provisioning\/engine\/run-cycle|provisioning\/connections\/connection-service|webhooks\/webhook-sender|notifications\/email-sender)/.test(m)), []);
  });

  it('a webhook command loads the webhook sender when it runs', async () => {
    const { packages } = await loadedBy(['webhook', 'list', '--db', db], dir);
    assert.ok(packages.has('undici'), 'webhook commands make the WebhookService, which sends with undici');
  });
});
