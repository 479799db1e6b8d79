import type { Command } from 'commander';
import type { FeedFormat } from '../events/event-feed.js';
import type { DirectoryEvent } from '../events/event-types.js';
import { eventSubjectName } from '../events/event-subject-name.js';
import { invalidValue } from '../scim/errors.js';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { shortTime } from './output.js';

interface TailOptions extends AdminConnectionOptions {
  after?: string;
  format?: string;
  follow?: boolean;
}

const FORMATS: Record<string, FeedFormat> = { json: 'json', set: 'scim-set', 'set-notice': 'scim-set-notice' };
/** Seconds each long-poll waits before it asks again. */
const WAIT_SECONDS = 25;

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description("read a directory's event feed (the changes webhooks deliver)");

  events
    .command('tail <directory>')
    .description('print a directory\'s events as they happen (id or name; `connections` and `admin` for the streams of no directory); Ctrl-C stops')
    .option('--after <sequence>', 'start after this sequence (0: every event still kept); default: only new events')
    .option('--format <format>', 'json (scimd events), set or set-notice (RFC 9967 security event tokens); json and set print one JSON document per line', 'text')
    .option('--no-follow', 'print the events there are and stop, instead of waiting for more')
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      [
        '',
        'Text lines read: SEQUENCE  TIME  TYPE  SUBJECT (its name, then Type/id). With --url the server long-polls (wait=), so events show as soon as they',
        'are written; on --db the database is polled every second. See docs/events.md for every event type.',
      ].join('\n'),
    )
    .action(async (directory: string, options: TailOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const formatName = opts.json ? 'json' : (opts.format ?? 'text');
      if (formatName !== 'text' && !FORMATS[formatName]) throw invalidValue(`--format must be text, json, set or set-notice, not ${JSON.stringify(formatName)}`);
      const format = FORMATS[formatName] ?? 'json';
      if (opts.after !== undefined && !/^\d+$/.test(opts.after)) throw invalidValue(`--after must be a sequence number, not ${JSON.stringify(opts.after)}`);
      await withAdminClient(opts, async (client) => {
        // Names seen so far by subject id, so a member event names a member whose events came earlier.
        const seen = new Map<string, string>();
        // Without --after, start at the directory's latest event (a read beyond it answers at once with the latest).
        let after = opts.after !== undefined ? Number(opts.after) : (await client.readEvents(directory, { after: Number.MAX_SAFE_INTEGER, limit: 1 })).latest;
        for (;;) {
          const page = await client.readEvents(directory, { after, limit: 500, format, wait: opts.follow === false ? 0 : WAIT_SECONDS });
          for (const event of page.events) process.stdout.write(`${formatName === 'text' ? textLine(event as DirectoryEvent, seen) : JSON.stringify(event)}\n`);
          const caughtUp = page.next === after || page.next >= page.latest;
          after = page.next;
          if (opts.follow === false && caughtUp) return;
        }
      });
    });
}

/** One event as a line: the subject by its name with its id beside it, as people search for either. */
function textLine(event: DirectoryEvent, seen: Map<string, string>): string {
  const name = eventSubjectName(event);
  if (name) seen.set(event.subject.id, name);
  const member = event.data.member as { value?: string } | undefined;
  const memberName = member?.value ? seen.get(member.value) : undefined;
  const detail = member?.value ? `member ${memberName ? `${memberName} (${member.value})` : member.value}` : Array.isArray(event.data.changed) ? (event.data.changed as string[]).join(', ') : '';
  const subject = `${event.subject.type}/${event.subject.id}`;
  return [String(event.sequence).padStart(6), shortTime(event.occurredAt), event.type.padEnd(22), name ? `${name} (${subject})` : subject, detail].join('  ').trimEnd();
}
