import type { Command } from 'commander';
import { existingDatabaseOf, type GlobalOptions } from './context.js';
import { printJson } from './output.js';

interface KeysOptions extends GlobalOptions {
  json?: boolean;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('the key file: encrypts stored credentials and signs sessions, access tokens and cursors');
  keys
    .command('rotate')
    .description('replace the key file with a new key and re-encrypt stored credentials with it')
    .option('--json', 'print {keyFile, backupFile, reencrypted, invalidated} as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The key file is SCIMD_KEY_FILE, else scimd.key beside a SQLite database (./data/scimd.key for PostgreSQL).',
        'Connection credentials, source secrets and webhook signing secrets are re-encrypted in one transaction;',
        'the old key is kept as <key file>.<time>.old (remove it once the rotation is confirmed).',
        'Rotation ends every console session, OAuth access token and paging cursor signed with the old key.',
        'Stop every scimd serve on the database first (or restart them all right after): a running server keeps',
        'the old key until it restarts. A key given in SCIMD_ENCRYPTION_KEY cannot be rotated by scimd.',
      ].join('\n'),
    )
    .action(async (options: KeysOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as KeysOptions;
      const { rotateKeys } = await import('../keys/key-rotation.js');
      const report = await rotateKeys(existingDatabaseOf(opts));
      if (opts.json) return printJson(report);
      const { connectionCredentials, sourceSecrets, webhookSecrets } = report.reencrypted;
      process.stdout.write(
        [
          `New key written to ${report.keyFile}; the old key is kept in ${report.backupFile}`,
          `Re-encrypted: ${connectionCredentials} connection credential(s), ${sourceSecrets} source secret(s), ${webhookSecrets} webhook signing secret(s)`,
          `No longer valid: ${report.invalidated.join('; ')}`,
          'Restart every scimd serve on this database now.',
          '',
        ].join('\n'),
      );
    });
}
