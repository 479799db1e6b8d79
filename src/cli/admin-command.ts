import { DURATION_UNITS } from '../auth/duration.js';
import type { Command } from 'commander';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { printJson } from './output.js';
import { checkExpiresIn, createdSecretText, secretTable } from './secret-output.js';

export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description('manage admin secrets, which open the admin API (/api/v1) and the remote CLI (--url)');
  const token = admin.command('token').description('create, list and revoke admin secrets');

  token
    .command('create')
    .description('create an admin secret; it is printed once')
    .option('--name <name>', 'a label to recognise the secret by', 'admin secret')
    .option('--expires-in <duration>', `lifetime from 1h to 100y: 90d, 6mo, 1y, 12h or never (units ${DURATION_UNITS}; default: the server default, 365d)`)
    .option('--json', 'print {id, secret, expiresAt, …} as JSON')
    .action(async (options: AdminConnectionOptions & { name?: string; expiresIn?: string }, command: Command) => {
      const opts = commandOptions(options, command);
      checkExpiresIn(opts.expiresIn);
      const input = { name: opts.name ?? 'admin secret', ...(opts.expiresIn !== undefined ? { expiresIn: opts.expiresIn } : {}) };
      const secret = await withAdminClient(opts, (client) => client.createAdminSecret(input));
      if (opts.json) return printJson({ id: secret.id, secret: secret.secret, expiresAt: secret.expiresAt, name: secret.name });
      process.stdout.write(
        createdSecretText('Admin secret', secret, ['', 'Use it as "Authorization: Bearer <secret>" on /api/v1, or: SCIMD_ADMIN_SECRET=<secret> scimd status --url <server>']),
      );
    });

  token
    .command('list')
    .description('list admin secrets: name, suffix, created, expires, last used, state')
    .option('--json', 'print the list as JSON')
    .action(async (options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const secrets = await withAdminClient(opts, (client) => client.listAdminSecrets());
      if (opts.json) return printJson(secrets);
      for (const line of secretTable(secrets)) process.stdout.write(`${line}\n`);
    });

  token
    .command('revoke <token-id>')
    .description('revoke an admin secret; requests with it are refused from the next one on')
    .option('--force', 'revoke even the last active admin secret, which shuts the admin API until a new one is made on the database')
    .option('--json', 'print {id, revokedAt} as JSON')
    .action(async (id: string, options: AdminConnectionOptions & { force?: boolean }, command: Command) => {
      const opts = commandOptions(options, command);
      const revoked = await withAdminClient(opts, (client) => client.revokeAdminSecret(id, { force: opts.force === true }));
      if (opts.json) return printJson({ id: revoked.id, revokedAt: revoked.revokedAt });
      process.stdout.write(`Revoked ${revoked.id}\n`);
    });
}
