import type { Command } from 'commander';
import { invalidValue } from '../scim/errors.js';
import type { DeliveryRecord, WebhookFormat } from '../store/webhook-store.js';
import type { WebhookChange } from '../webhooks/webhook-input.js';
import type { WebhookDetails, WebhookView, WebhookWithSecret } from '../webhooks/webhook-views.js';
import type { AdminClient } from '../admin/admin-client.js';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { directoryLabel, directoryNames, type DirectoryNames } from './directory-names.js';
import { printJson, printTable, shortTime } from './output.js';

interface WebhookOptions extends AdminConnectionOptions {
  directory?: string;
  global?: boolean;
  events?: string;
  format?: string;
  description?: string;
  receiverUrl?: string;
  enable?: boolean;
  disable?: boolean;
  overlap?: string;
  outcome?: string;
  limit?: string;
  before?: string;
  from?: string;
}

const FORMAT_HELP = 'json (scimd events, default), scim-set or scim-set-notice (RFC 9967 security event tokens)';
const EVENTS_HELP = 'comma-separated event types or families: user.*, group.member_added, directory.*, … (default: every type)';

export function registerWebhookCommand(program: Command): void {
  const webhook = program.command('webhook').description('send events to an application: signed, in order, retried for days (see docs/events.md)');

  webhook
    .command('add <receiver-url>')
    .description('add a webhook for one directory (--directory) or every directory (--global); its signing secret is printed once')
    .option('--directory <directory>', "receive this directory's events (id or name)")
    .option('--global', "receive every directory's events, those of directories made later too")
    .option('--events <types>', EVENTS_HELP)
    .option('--format <format>', FORMAT_HELP)
    .option('--description <text>', 'a note for people: which application receives it')
    .option('--disable', 'add it paused; enable later with "webhook update --enable"')
    .option('--json', 'print the webhook with its secret as JSON')
    .addHelpText('after', '\nDeliveries start with the next event; "scimd webhook replay" sends earlier ones. Receivers check the\nwebhook-signature header with the secret (import { verifyWebhookRequest } from "scimd/webhooks").')
    .action(async (url: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      if (!opts.directory === !opts.global) throw invalidValue('Give --directory <directory> or --global');
      const [created, names] = await withAdminClient(opts, async (client) => [
        await client.createWebhook({ url, ...(opts.directory ? { directory: opts.directory } : {}), ...changeOf(opts), ...(opts.disable ? { enabled: false } : {}) }),
        await namesForText(client, opts),
      ] as const);
      if (opts.json) return printJson(created);
      process.stdout.write(secretText('Webhook added', created, names));
    });

  webhook
    .command('list')
    .description('list webhooks: all, or those a directory\'s events go to (--directory, global ones included)')
    .option('--directory <directory>', 'only webhooks that receive this directory\'s events')
    .option('--json', 'print the list as JSON')
    .action(async (options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const [webhooks, names] = await withAdminClient(opts, async (client) => [await client.listWebhooks(opts.directory), await namesForText(client, opts)] as const);
      if (opts.json) return printJson(webhooks);
      printTable(WEBHOOK_HEADERS, webhooks.map((w) => row(w, names)));
    });

  webhook
    .command('show <webhook-id>')
    .description('a webhook and how far each directory\'s delivery has come (delivered, behind, retrying, paused)')
    .option('--json', 'print it as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const [details, names] = await withAdminClient(opts, async (client) => [await client.getWebhook(id), await namesForText(client, opts)] as const);
      if (opts.json) return printJson(details);
      printDetails(details, names);
    });

  webhook
    .command('update <webhook-id>')
    .description('change a webhook\'s URL, event types, format or description, or enable or disable it')
    .option('--receiver-url <url>', 'a new receiver URL')
    .option('--events <types>', `${EVENTS_HELP}; "" for every type`)
    .option('--format <format>', FORMAT_HELP)
    .option('--description <text>', 'a new note')
    .option('--enable', 'deliver again (from where it stopped)')
    .option('--disable', 'stop delivering; events wait until it is enabled')
    .option('--json', 'print the webhook as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      if (opts.enable && opts.disable) throw invalidValue('Give --enable or --disable, not both');
      const change: WebhookChange = { ...changeOf(opts), ...(opts.enable ? { enabled: true } : {}), ...(opts.disable ? { enabled: false } : {}) };
      if (opts.receiverUrl !== undefined) change.url = opts.receiverUrl;
      const [updated, names] = await withAdminClient(opts, async (client) => [await client.updateWebhook(id, change), await namesForText(client, opts)] as const);
      if (opts.json) return printJson(updated);
      printTable(WEBHOOK_HEADERS, [row(updated, names)]);
    });

  webhook
    .command('remove <webhook-id>')
    .description('delete a webhook, its delivery positions and its delivery log')
    .option('--json', 'print the removed webhook as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const removed = await withAdminClient(opts, (client) => client.deleteWebhook(id));
      if (opts.json) return printJson(removed);
      process.stdout.write(`Removed webhook ${removed.id} (${removed.url})\n`);
    });

  webhook
    .command('test <webhook-id>')
    .description('send a signed webhook.test message now and print the receiver\'s answer (logged as a test delivery)')
    .option('--json', 'print the delivery as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const delivery = await withAdminClient(opts, (client) => client.testWebhook(id));
      report(delivery, opts.json);
    });

  webhook
    .command('deliveries <webhook-id>')
    .description('the delivery log, newest first: each attempt with its status, duration and the start of the answer')
    .option('--directory <directory>', 'only deliveries of this directory\'s events')
    .option('--outcome <outcome>', 'delivered, failed or dead (dead: retries ran out and the stream paused)')
    .option('--limit <n>', 'entries to print, 1 to 500', '50')
    .option('--before <delivery-id>', 'entries older than this one')
    .option('--json', 'print {deliveries} as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      if (!/^\d+$/.test(opts.limit ?? '50')) throw invalidValue(`--limit must be a whole number, not ${JSON.stringify(opts.limit)}`);
      const page = await withAdminClient(opts, (client) =>
        client.webhookDeliveries(id, {
          limit: Number(opts.limit ?? '50'),
          ...(opts.directory !== undefined ? { directory: opts.directory } : {}),
          ...(opts.outcome !== undefined ? { outcome: opts.outcome } : {}),
          ...(opts.before !== undefined ? { before: opts.before } : {}),
        }),
      );
      if (opts.json) return printJson(page);
      printTable(
        ['ID', 'AT', 'SEQ', 'EVENT', 'ATTEMPT', 'KIND', 'OUTCOME', 'STATUS', 'MS', 'ANSWER'],
        page.deliveries.map((d) => [d.id, shortTime(d.at), String(d.sequence), d.eventType, String(d.attempt), d.kind, d.outcome, d.statusCode === null ? '-' : String(d.statusCode), String(d.durationMs), answer(d)]),
      );
    });

  webhook
    .command('resend <webhook-id> <delivery-id>')
    .description('send the event of one logged delivery again, now (the in-order stream does not move; see replay)')
    .option('--json', 'print the new delivery as JSON')
    .action(async (id: string, deliveryId: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      report(await withAdminClient(opts, (client) => client.resendDelivery(id, deliveryId)), opts.json);
    });

  webhook
    .command('replay <webhook-id>')
    .description('deliver a directory\'s events again, in order, from a sequence number; also resumes a paused (dead-lettered) stream')
    .requiredOption('--from <sequence>', 'the first sequence to deliver again (see "scimd webhook deliveries --outcome dead")')
    .option('--directory <directory>', 'the directory (needed for a global webhook)')
    .option('--json', 'print the webhook\'s delivery positions as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      if (!/^\d+$/.test(opts.from ?? '')) throw invalidValue(`--from must be a sequence number, not ${JSON.stringify(opts.from)}`);
      const [details, names] = await withAdminClient(opts, async (client) => [
        await client.replayWebhook(id, { from: Number(opts.from), ...(opts.directory !== undefined ? { directory: opts.directory } : {}) }),
        await namesForText(client, opts),
      ] as const);
      if (opts.json) return printJson(details);
      printDetails(details, names);
    });

  webhook
    .command('rotate-secret <webhook-id>')
    .description('make a new signing secret (printed once); the old one keeps signing during the overlap, so receivers switch without a failure')
    .option('--overlap <duration>', 'how long the old secret still signs: 24h (default), 7d, or 0 to stop at once')
    .option('--json', 'print the webhook with its new secret as JSON')
    .action(async (id: string, options: WebhookOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const [rotated, names] = await withAdminClient(opts, async (client) => [await client.rotateWebhookSecret(id, opts.overlap), await namesForText(client, opts)] as const);
      if (opts.json) return printJson(rotated);
      process.stdout.write(secretText('New signing secret', rotated, names));
    });
}

/** The fields add and update share. */
function changeOf(opts: WebhookOptions): WebhookChange {
  const change: WebhookChange = {};
  if (opts.events !== undefined) change.eventTypes = opts.events.split(',').map((t) => t.trim()).filter(Boolean);
  if (opts.format !== undefined) change.format = opts.format as WebhookFormat;
  if (opts.description !== undefined) change.description = opts.description;
  return change;
}

/** Directory names for text output; JSON output prints the API's shapes unchanged, so it skips the lookup. */
async function namesForText(client: AdminClient, opts: WebhookOptions): Promise<DirectoryNames> {
  return opts.json ? new Map() : directoryNames(client);
}

const WEBHOOK_HEADERS = ['ID', 'DIRECTORY', 'URL', 'EVENTS', 'FORMAT', 'STATE'];

function row(w: WebhookView, names: DirectoryNames): string[] {
  return [w.id, w.directoryId === null ? '(global)' : directoryLabel(names, w.directoryId), w.url, w.eventTypes.length ? w.eventTypes.join(',') : '*', w.format, w.enabled ? 'enabled' : 'disabled'];
}

function printDetails(details: WebhookDetails, names: DirectoryNames): void {
  printTable(WEBHOOK_HEADERS, [row(details, names)]);
  if (details.previousSecretExpiresAt) process.stdout.write(`Previous secret signs until ${shortTime(details.previousSecretExpiresAt)}\n`);
  process.stdout.write('\n');
  printTable(
    ['DIRECTORY', 'DELIVERED', 'LATEST', 'BEHIND', 'STATE', 'ATTEMPTS', 'NEXT ATTEMPT', 'PAUSED BECAUSE'],
    details.streams.map((s) => [directoryLabel(names, s.directoryId), String(s.deliveredSequence), String(s.latestSequence), String(s.behind), s.state, String(s.attempts), shortTime(s.nextAttemptAt), s.pauseReason ?? '']),
  );
}

function secretText(title: string, webhook: WebhookWithSecret, names: DirectoryNames): string {
  return [
    `${title} (the secret is shown once; give it to the receiving application now):`,
    '',
    `  ${webhook.secret}`,
    '',
    `  id:      ${webhook.id}`,
    `  url:     ${webhook.url}`,
    `  events:  ${webhook.eventTypes.length ? webhook.eventTypes.join(', ') : 'all'}`,
    `  scope:   ${webhook.directoryId === null ? 'every directory' : directoryLabel(names, webhook.directoryId)}`,
    ...(webhook.previousSecretExpiresAt ? [`  the previous secret signs too until ${shortTime(webhook.previousSecretExpiresAt)}`] : []),
    '',
  ].join('\n');
}

function report(delivery: DeliveryRecord, json: boolean | undefined): void {
  if (json) return printJson(delivery);
  const status = delivery.statusCode === null ? (delivery.error ?? 'no answer') : `HTTP ${delivery.statusCode}`;
  process.stdout.write(`${delivery.outcome === 'delivered' ? 'Delivered' : 'Failed'}: ${status} in ${delivery.durationMs} ms${delivery.responseExcerpt ? `: ${delivery.responseExcerpt}` : ''}\n`);
  if (delivery.outcome !== 'delivered') process.exitCode = 1;
}

function answer(d: DeliveryRecord): string {
  const text = d.error ?? d.responseExcerpt ?? '';
  return text.replace(/\s+/g, ' ').slice(0, 60);
}
