import { DURATION_UNITS } from '../auth/duration.js';
import type { Command } from 'commander';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { printJson } from './output.js';
import { scimUrlText } from './scim-url-text.js';
import { checkExpiresIn, createdSecretText, secretTable } from './secret-output.js';

interface CreateOptions extends AdminConnectionOptions {
  name?: string;
  expiresIn?: string;
}

interface RevokeOptions extends AdminConnectionOptions {
  force?: boolean;
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description("create, list and revoke a directory's client secrets");

  token
    .command('create <directory>')
    .description('create a client secret for a directory (id or name); the secret is printed once')
    .option('--name <name>', 'a label to recognise the secret by', 'client secret')
    .option('--expires-in <duration>', `lifetime from 1h to 100y: 90d, 6mo, 1y, 12h or never (units ${DURATION_UNITS}; default: the directory's default lifetime, 365d unless set)`)
    .option('--json', 'print {id, secret, expiresAt, …} as JSON')
    .addHelpText('after', '\nA directory holds at most 2 active secrets unless "scimd directory set --max-active-secrets" says otherwise:\nrevoke the old one once the identity provider uses the new one.')
    .action(async (directoryRef: string, options: CreateOptions, command: Command) => {
      const opts = commandOptions(options, command);
      checkExpiresIn(opts.expiresIn);
      const { secret, scimUrl } = await withAdminClient(opts, async (client) => {
        const input = { name: opts.name ?? 'client secret', ...(opts.expiresIn !== undefined ? { expiresIn: opts.expiresIn } : {}) };
        return { secret: await client.createSecret(directoryRef, input), scimUrl: client.scimUrl };
      });
      if (opts.json) return printJson({ id: secret.id, secret: secret.secret, expiresAt: secret.expiresAt, name: secret.name, directory: secret.directoryId, scimUrl });
      process.stdout.write(
        createdSecretText(`Client secret for directory ${directoryRef}`, secret, [
          `  SCIM URL: ${scimUrlText(scimUrl, opts)}`,
          '',
          'Paste the URL into the identity provider as the Tenant URL and the secret as the Secret Token.',
        ]),
      );
    });

  token
    .command('list <directory>')
    .description("list a directory's client secrets: name, suffix, created, expires, last used (time, IP), state")
    .option('--json', 'print the list as JSON (with the last client User-Agent too)')
    .addHelpText('after', '\nStates: active; expiring (active, but inside the warning window, 60 days by default); expired; revoked.')
    .action(async (directoryRef: string, options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const secrets = await withAdminClient(opts, (client) => client.listSecrets(directoryRef));
      if (opts.json) return printJson(secrets);
      for (const line of secretTable(secrets)) process.stdout.write(`${line}\n`);
    });

  token
    .command('revoke <token-id>')
    .description('revoke a client secret; requests that use it are refused from the next one on')
    .option('--force', "revoke even the directory's last active secret, which stops its provisioning")
    .option('--json', 'print {id, revokedAt} as JSON')
    .action(async (id: string, options: RevokeOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const revoked = await withAdminClient(opts, (client) => client.revokeSecret(id, { force: opts.force === true }));
      if (opts.json) return printJson({ id: revoked.id, revokedAt: revoked.revokedAt });
      process.stdout.write(`Revoked ${revoked.id}\n`);
    });
}
