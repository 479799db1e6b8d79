import type { Command } from 'commander';
import { parseDuration } from '../auth/duration.js';
import { createSecret, secretState } from '../auth/secrets.js';
import { invalidValue, notFound } from '../scim/errors.js';
import { printJson, printTable, shortTime } from './output.js';
import { requireDirectory, scimUrl, withStore, type GlobalOptions } from './context.js';

interface CreateOptions extends GlobalOptions {
  name?: string;
  expiresIn?: string;
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description("create, list and revoke a directory's client secrets");

  token
    .command('create <directory>')
    .description('create a client secret for a directory (id or name); the secret is printed once')
    .option('--name <name>', 'a label to recognise the secret by', 'client secret')
    .option('--expires-in <duration>', 'lifetime: 90d, 1y, 12h or never', '365d')
    .option('--json', 'print {id, secret, expiresAt} as JSON')
    .action(async (directoryRef: string, options: CreateOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as CreateOptions;
      const lifetime = parseDuration(opts.expiresIn ?? '365d');
      if (lifetime === undefined) throw invalidValue(`--expires-in ${JSON.stringify(opts.expiresIn)} is not a duration such as 90d, 1y or never`);
      const { record, secret, directory } = await withStore(opts, async (store) => {
        const directory = await requireDirectory(store, directoryRef);
        const created = await createSecret(store, {
          directoryId: directory.id,
          scope: 'scim',
          name: opts.name ?? 'client secret',
          lifetimeMs: lifetime,
          now: new Date(),
        });
        return { ...created, directory };
      });
      if (opts.json) return printJson({ id: record.id, secret, expiresAt: record.expiresAt, directory: directory.id, scimUrl: scimUrl() });
      process.stdout.write(
        [
          `Client secret for directory ${directory.name} (shown once; store it now):`,
          '',
          `  ${secret}`,
          '',
          `  id:       ${record.id}`,
          `  expires:  ${record.expiresAt ?? 'never'}`,
          `  SCIM URL: ${scimUrl()}`,
          '',
          'Paste the URL into the identity provider as the Tenant URL and the secret as the Secret Token.',
          '',
        ].join('\n'),
      );
    });

  token
    .command('list <directory>')
    .description("list a directory's client secrets: name, created, expires, last used, state")
    .option('--json', 'print the list as JSON')
    .action(async (directoryRef: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const secrets = await withStore(opts, async (store) => store.listSecrets((await requireDirectory(store, directoryRef)).id));
      const now = new Date();
      const rows = secrets.map((s) => ({
        id: s.id,
        name: s.name,
        suffix: s.suffix,
        created: s.created,
        expiresAt: s.expiresAt,
        revokedAt: s.revokedAt,
        lastUsedAt: s.lastUsedAt,
        lastUsedIp: s.lastUsedIp,
        lastUsedUserAgent: s.lastUsedUserAgent,
        state: secretState(s, now),
      }));
      if (opts.json) return printJson(rows);
      printTable(
        ['ID', 'NAME', 'ENDS WITH', 'CREATED', 'EXPIRES', 'LAST USED', 'STATE'],
        rows.map((r) => [r.id, r.name, `…${r.suffix}`, shortTime(r.created), r.expiresAt ? shortTime(r.expiresAt) : 'never', shortTime(r.lastUsedAt), r.state]),
      );
    });

  token
    .command('revoke <token-id>')
    .description('revoke a client secret; requests that use it are refused from the next one on')
    .option('--json', 'print {id, revokedAt} as JSON')
    .action(async (id: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const at = new Date().toISOString();
      await withStore(opts, async (store) => {
        const secret = await store.findSecret(id);
        if (!secret) throw notFound(`No secret with id ${JSON.stringify(id)}`);
        if (!(await store.revokeSecret(id, at))) throw invalidValue(`Secret ${id} was already revoked`);
      });
      if (opts.json) return printJson({ id, revokedAt: at });
      process.stdout.write(`Revoked ${id}\n`);
    });
}
