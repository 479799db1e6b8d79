import type { Command } from 'commander';
import { openStore } from '../store/open-store.js';
import { databaseOf, existingDatabaseOf, type GlobalOptions } from './context.js';
import { printJson } from './output.js';

interface MigrateOptions extends GlobalOptions {
  status?: boolean;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database schema migrations (serve applies them on start unless --no-migrate)')
    .option('--status', 'only list the migrations that are pending')
    .option('--json', 'print {applied} or {pending} as JSON')
    .action(async (options: MigrateOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as MigrateOptions;
      // Applying migrations creates a new database (an explicit init); --status only reports on one.
      const store = await openStore(opts.status ? existingDatabaseOf(opts) : databaseOf(opts), { migrations: 'skip' });
      try {
        if (opts.status) {
          const pending = await store.pendingMigrations();
          if (opts.json) return printJson({ pending });
          process.stdout.write(pending.length ? `Pending migrations: ${pending.join(', ')}\n` : 'The database schema is up to date\n');
          return;
        }
        const applied = await store.migrate();
        if (opts.json) return printJson({ applied });
        process.stdout.write(applied.length ? `Applied migrations: ${applied.join(', ')}\n` : 'The database schema is up to date\n');
      } finally {
        await store.close();
      }
    });
}
