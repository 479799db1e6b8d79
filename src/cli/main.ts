#!/usr/bin/env node
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
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerDirectoryCommand(program);
registerTokenCommand(program);
registerMigrateCommand(program);
registerImportCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message = error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error);
  process.stderr.write(`scimd: ${message}\n`);
  process.exit(1);
}
