import type { Command } from 'commander';
import { invalidValue } from '../scim/errors.js';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import type { AuditEntryView } from '../admin/admin-views.js';
import { directoryNames, type DirectoryNames } from './directory-names.js';
import { named, printJson, printTable, shortTime, shortTimesIn } from './output.js';

interface AuditOptions extends AdminConnectionOptions {
  directory?: string;
  limit?: string;
  before?: string;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('print the audit log, newest first: who (admin secret, cli:<user>, directory secret) did what to which target, when, from where; secrets, targets and directories are named beside their ids')
    .option('--directory <directory>', 'only entries about this directory (id or name; a deleted one by its id)')
    .option('--limit <n>', 'entries to print, 1 to 1000', '100')
    .option('--before <entry-id>', 'entries older than this one (the "next" of a previous --json page)')
    .option('--json', 'print {entries, next} as JSON')
    .action(async (options: AuditOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const limit = Number(opts.limit ?? '100');
      if (!/^\d+$/.test(opts.limit ?? '100')) throw invalidValue(`--limit must be a whole number, not ${JSON.stringify(opts.limit)}`);
      const [page, names] = await withAdminClient(opts, async (client) => [
        await client.audit({ limit, ...(opts.directory !== undefined ? { directory: opts.directory } : {}), ...(opts.before !== undefined ? { before: opts.before } : {}) }),
        opts.json ? new Map<string, string>() : await directoryNames(client),
      ] as const);
      if (opts.json) return printJson(page);
      printTable(
        ['AT', 'ACTOR', 'FROM', 'ACTION', 'TARGET', 'DIRECTORY', 'DETAIL'],
        page.entries.map((e) => [shortTime(e.at), named(e.actorName, e.actor), e.actorIp ?? '-', e.action, named(e.targetName, e.targetId), directoryOf(e, names), detailText(e)]),
      );
      if (page.next) process.stdout.write(`More: scimd audit --before ${page.next}\n`);
    });
}

/** The entry's directory by name; a deleted one by the name its own entry kept, else its id. */
function directoryOf(entry: AuditEntryView, names: DirectoryNames): string {
  if (entry.directoryId === null) return '-';
  const kept = entry.targetType === 'directory' && entry.targetId === entry.directoryId ? entry.targetName : null;
  return named(names.get(entry.directoryId) ?? kept, entry.directoryId);
}

/** What the entry's detail adds to its target, on one line: key=value, times shortened, long values cut. */
function detailText(entry: AuditEntryView): string {
  const shown = Object.entries(entry.detail).filter(([key, value]) => !((key === 'name' || key === 'suffix' || key === 'recipient') && typeof value === 'string'));
  const text = shown.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ');
  const short = shortTimesIn(text);
  return short.length > 100 ? `${short.slice(0, 99)}…` : short;
}
