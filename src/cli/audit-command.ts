import type { Command } from 'commander';
import { invalidValue } from '../scim/errors.js';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { printJson, printTable, shortTime } from './output.js';

interface AuditOptions extends AdminConnectionOptions {
  directory?: string;
  limit?: string;
  before?: string;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('print the audit log, newest first: who (admin secret, cli:<user>, directory secret) did what, when, from where')
    .option('--directory <directory>', 'only entries about this directory (id or name; a deleted one by its id)')
    .option('--limit <n>', 'entries to print, 1 to 1000', '100')
    .option('--before <entry-id>', 'entries older than this one (the "next" of a previous --json page)')
    .option('--json', 'print {entries, next} as JSON')
    .action(async (options: AuditOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const limit = Number(opts.limit ?? '100');
      if (!/^\d+$/.test(opts.limit ?? '100')) throw invalidValue(`--limit must be a whole number, not ${JSON.stringify(opts.limit)}`);
      const page = await withAdminClient(opts, (client) =>
        client.audit({ limit, ...(opts.directory !== undefined ? { directory: opts.directory } : {}), ...(opts.before !== undefined ? { before: opts.before } : {}) }),
      );
      if (opts.json) return printJson(page);
      printTable(
        ['AT', 'ACTOR', 'FROM', 'ACTION', 'TARGET', 'DIRECTORY', 'DETAIL'],
        page.entries.map((e) => [shortTime(e.at), e.actor, e.actorIp ?? '-', e.action, e.targetId, e.directoryId ?? '-', typeof e.detail.name === 'string' ? e.detail.name : '']),
      );
      if (page.next) process.stdout.write(`More: scimd audit --before ${page.next}\n`);
    });
}
