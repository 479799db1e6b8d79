import type { Command } from 'commander';
import type { RecipientView } from '../notifications/notification-service.js';
import { invalidValue } from '../scim/errors.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import { commandOptions, withAdminClient, withNotificationClient, type AdminConnectionOptions } from './admin-connection.js';
import { directoryLabel, directoryNames, type DirectoryNames } from './directory-names.js';
import { printJson, printTable, shortTime } from './output.js';

interface NotifyOptions extends AdminConnectionOptions {
  directory?: string;
  recipient?: string;
  limit?: string;
}

const RECIPIENT_HELP = `
Recipients:
  ops@example.com                          an e-mail address (scimd serve needs --smtp-url and --notify-from)
  slack+https://hooks.slack.com/services/… a Slack incoming webhook
  teams+https://…                          a Microsoft Teams incoming webhook (Workflows or connector)
Without --directory a recipient hears about every directory (those created later too) and the admin secrets.`;

export function registerNotifyCommand(program: Command): void {
  const notify = program
    .command('notify')
    .description('tell people about expiring and rejected secrets, quiet directories and stopped connections, by e-mail, Slack or Teams (see docs/notifications.md)');

  notify
    .command('add <recipient>')
    .description('add a recipient: an e-mail address, slack+https://… or teams+https://…')
    .option('--directory <directory>', 'only this directory (id or name); default: every directory and the admin secrets')
    .option('--json', 'print the recipient as JSON')
    .addHelpText('after', `${RECIPIENT_HELP}\n\nThe recipient hears about what happens from now on; "scimd notify test <id>" sends a sample now.`)
    .action(async (recipient: string, options: NotifyOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const added = await withNotificationClient(opts, (client) => client.create({ recipient, ...(opts.directory !== undefined ? { directory: opts.directory } : {}) }));
      if (opts.json) return printJson(added);
      const names = await withAdminClient(opts, directoryNames);
      process.stdout.write(`Added ${added.id}: ${added.recipient} hears about ${added.directoryId ? `directory ${directoryLabel(names, added.directoryId)}` : 'every directory and the admin secrets'}\nSend a sample now: scimd notify test ${added.id}\n`);
    });

  notify
    .command('list')
    .description('list recipients, with whether their channel is failing')
    .option('--json', 'print the list as JSON')
    .action(async (options: NotifyOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const recipients = await withNotificationClient(opts, (client) => client.list());
      if (opts.json) return printJson(recipients);
      const names = await withAdminClient(opts, directoryNames);
      printTable(['ID', 'CHANNEL', 'RECIPIENT', 'DIRECTORY', 'STATE'], recipients.map((r) => row(r, names)));
    });

  notify
    .command('remove <id>')
    .description('remove a recipient and its delivery log')
    .option('--json', 'print the removed recipient as JSON')
    .action(async (id: string, options: NotifyOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const removed = await withNotificationClient(opts, (client) => client.remove(id));
      if (opts.json) return printJson(removed);
      process.stdout.write(`Removed ${removed.id} (${removed.recipient})\n`);
    });

  notify
    .command('test <id>')
    .description('send a sample message to a recipient now and print what its server answered (logged as a test)')
    .option('--json', 'print the delivery as JSON')
    .addHelpText('after', '\nOn --db the e-mail goes through SCIMD_SMTP_URL and SCIMD_NOTIFY_FROM of this shell; with --url, through the server\'s.')
    .action(async (id: string, options: NotifyOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const delivery = await withNotificationClient(opts, (client) => client.test(id));
      if (opts.json) return printJson(delivery);
      process.stdout.write(`${deliveryLine(delivery)}\n`);
      if (delivery.outcome !== 'delivered') process.exitCode = 1;
    });

  notify
    .command('log')
    .description('the delivery log of every recipient, newest first: each attempt, its outcome and the answer or error')
    .option('--recipient <id>', 'only this recipient')
    .option('--limit <n>', 'at most this many entries, 1 to 500 (default 50)')
    .option('--json', 'print the log as JSON')
    .action(async (options: NotifyOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && !Number.isInteger(limit)) throw invalidValue('--limit must be a whole number');
      const { deliveries } = await withNotificationClient(opts, (client) =>
        client.log({ ...(opts.recipient !== undefined ? { recipient: opts.recipient } : {}), ...(limit !== undefined ? { limit } : {}) }),
      );
      if (opts.json) return printJson({ deliveries });
      printTable(
        ['AT', 'RECIPIENT', 'EVENT', 'ATTEMPT', 'OUTCOME', 'ANSWER'],
        deliveries.map((d) => [shortTime(d.at), d.recipient, d.eventType, String(d.attempt), d.kind === 'test' ? `${d.outcome} (test)` : d.outcome, answer(d)]),
      );
    });
}

function row(r: RecipientView, names: DirectoryNames): string[] {
  const state = r.state === 'ok' ? 'ok' : `${r.state} since ${shortTime(r.failingSince)}${r.lastError ? `: ${r.lastError}` : ''}`;
  return [r.id, r.channel, r.recipient, r.directoryId === null ? '(all)' : directoryLabel(names, r.directoryId), state];
}

function answer(d: DeliveryRecord): string {
  return (d.error ?? d.responseExcerpt ?? (d.statusCode !== null ? `HTTP ${d.statusCode}` : '')).replace(/\s+/g, ' ').slice(0, 80);
}

function deliveryLine(d: DeliveryRecord): string {
  return `${d.outcome === 'delivered' ? 'Delivered' : 'Failed'} in ${d.durationMs} ms: ${answer(d) || '(no answer)'}`;
}
