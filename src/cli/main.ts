#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ScimError } from '../scim/errors.js';
import { registerDirectoryCommand } from './directory-command.js';
import { registerImportCommand } from './import-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommand } from './token-command.js';

const program = new Command();
program
  .name('scimd')
  .description('SCIM 2.0 directory server and provisioning engine')
  .option('--db <database>', 'database: a SQLite path, sqlite:path or postgres://… (env SCIMD_DB; default ./data/scimd.db)')
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
      '',
      'Every command takes --db <path | sqlite:path | postgres://…>; --json prints one JSON document.',
      'Run "scimd <command> --help" for the options of one command.',
    ].join('\n'),
  )
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerDirectoryCommand(program);
registerTokenCommand(program);
registerMigrateCommand(program);
registerImportCommand(program);

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
