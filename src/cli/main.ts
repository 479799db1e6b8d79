#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ScimError } from '../scim/errors.js';
import { registerAdminCommand } from './admin-command.js';
import { refuseUrlWhereUnsupported } from './admin-connection.js';
import { registerAuditCommand } from './audit-command.js';
import { registerCheckCommand } from './check-command.js';
import { exitQuietlyWhenOutputCloses } from './closed-output.js';
import { registerConnectionCommand } from './connection-command.js';
import { registerDirectoryCommand } from './directory-command.js';
import { registerImportCommand } from './import-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { addOutboundOptions } from './outbound-options.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerSyncCommand } from './sync-command.js';
import { registerTokenCommand } from './token-command.js';
import { registerEventsCommand } from './events-command.js';
import { registerWebhookCommand } from './webhook-command.js';
import { registerNotifyCommand } from './notify-command.js';

// The command files define commands and their options only; what a command does (the stores, the
// server, the provisioning engine, the HTTP clients) is imported when it runs, so --help, a typo
// and every command start without loading what they do not use.
exitQuietlyWhenOutputCloses();
const program = new Command();
program
  .name('scimd')
  .description('SCIM 2.0 directory server and provisioning engine')
  .option('--db <database>', 'database: a SQLite path, sqlite:path or postgres://… (env SCIMD_DB; default ./data/scimd.db)')
  .option('--url <url>', 'act through a running server\'s admin API instead of the database (env SCIMD_URL); needs an admin secret')
  .option('--admin-secret <secret>', 'the admin secret for --url (prefer env SCIMD_ADMIN_SECRET: arguments show up in ps)')
  .version(packageVersion(), '-V, --version', 'print the version of scimd')
  // Subcommand help lists --db too, since every command reads it.
  .configureHelp({ showGlobalOptions: true })
  .addHelpText(
    'after',
    [
      '',
      'Getting started:',
      '  scimd serve                          first start on an empty database prints a URL, a secret and a curl',
      '  scimd directory create acme          one directory (tenant) per identity provider connection',
      '  scimd token create acme --expires-in 1y',
      '  scimd token list acme; scimd token revoke <token-id>',
      '  scimd status                         every directory\'s health and secret expiry; exits 2 when one needs attention',
      '',
      'Every command takes --db <path | sqlite:path | postgres://…>, or --url <server> with SCIMD_ADMIN_SECRET to act',
      'through the admin API; --json prints one JSON document.',
      'Run "scimd <command> --help" for the options of one command.',
    ].join('\n'),
  )
  .showHelpAfterError()
  .exitOverride();

refuseUrlWhereUnsupported(program);
addOutboundOptions(program);
registerServeCommand(program);
registerDirectoryCommand(program);
registerTokenCommand(program);
registerAdminCommand(program);
registerStatusCommand(program);
registerAuditCommand(program);
registerMigrateCommand(program);
registerImportCommand(program);
registerConnectionCommand(program);
registerSyncCommand(program);
registerEventsCommand(program);
registerWebhookCommand(program);
registerNotifyCommand(program);
registerCheckCommand(program);
registerKeysCommand(program);

/** The version in package.json (three folders up from dist/src/cli). */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message = error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error);
  process.stderr.write(`scimd: ${message}\n`);
  process.exit(1);
}
