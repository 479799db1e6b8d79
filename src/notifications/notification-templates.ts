import type { JsonObject } from '../scim/json.js';
import type { NotificationContext, NotificationMessage } from './notification-message.js';

/** The event types that reach a person; every other event is skipped by notification streams. */
export const NOTIFYING_EVENT_TYPES = [
  'secret.expiring',
  'secret.expired',
  'auth.rejected',
  'directory.quiet',
  'connection.quarantined',
  'connection.stopped',
  'connection.recovered',
] as const;

/**
 * What a template reads of an event. The type is a plain string: templates may exist for event
 * types another part of scimd adds (connection events), and for the test message.
 */
export interface NotifiableEvent {
  type: string;
  /** Empty for messages that belong to no directory. */
  directoryId: string;
  data: JsonObject;
}

type Template = (event: NotifiableEvent, context: NotificationContext) => NotificationMessage;

const DAY_MS = 86_400_000;

/**
 * Turns an event into a message for a person, or undefined when the event is not one people are
 * told about. Pure: names and the public URL come in through the context.
 */
export function notificationFor(event: NotifiableEvent, context: NotificationContext): NotificationMessage | undefined {
  const template = TEMPLATES[event.type];
  return template?.(event, context);
}

const TEMPLATES: Record<string, Template> = {
  'secret.expiring': (event, context) => {
    if (!event.directoryId) return adminSecretMessage(event, context);
    const secret = secretFacts(event.data);
    const directory = directoryLabel(event.directoryId, context);
    const daysLeft = Number(event.data.daysLeft);
    const successor = event.data.newerSecretInUse === true;
    const when = daysLeft <= 0 ? 'today' : `in ${plural(daysLeft, 'day')}`;
    return {
      eventType: event.type,
      severity: 'warning',
      title: `Client secret "${secret.name}" of directory ${directory} expires ${when}`,
      summary: successor
        ? `The client secret "${secret.name}" (…${secret.suffix}) of directory ${directory} expires ${when}. A newer secret already carries traffic, so provisioning will go on.`
        : `The client secret "${secret.name}" (…${secret.suffix}) of directory ${directory} expires ${when}. No newer secret carries traffic yet: when it expires, your identity provider's requests will be refused and provisioning will stop.`,
      facts: [
        ['Directory', directory],
        ['Secret', `"${secret.name}" (…${secret.suffix}, ${secret.id})`],
        ['Expires', `${formatTime(secret.expiresAt)} (${plural(daysLeft, 'day')} left)`],
        ['Successor', successor ? 'a newer secret already carries traffic' : 'none carries traffic yet'],
      ],
      steps: successor ? retireSteps(event.directoryId, secret.id, context) : renewalSteps(event.directoryId, secret.id, context),
      ...consoleLink(event.directoryId, context),
    };
  },
  'secret.expired': (event, context) => {
    if (!event.directoryId) return adminSecretMessage(event, context);
    const secret = secretFacts(event.data);
    const directory = directoryLabel(event.directoryId, context);
    return {
      eventType: event.type,
      severity: 'critical',
      title: `Client secret "${secret.name}" of directory ${directory} has expired`,
      summary: `The client secret "${secret.name}" (…${secret.suffix}) of directory ${directory} expired at ${formatTime(secret.expiresAt)}. Requests that present it are refused from now on; if your identity provider still uses it, provisioning has stopped.`,
      facts: [
        ['Directory', directory],
        ['Secret', `"${secret.name}" (…${secret.suffix}, ${secret.id})`],
        ['Expired', `${formatTime(secret.expiresAt)} (${agoText(secret.expiresAt, context.now)})`],
      ],
      steps: renewalSteps(event.directoryId, secret.id, context),
      ...consoleLink(event.directoryId, context),
    };
  },
  'auth.rejected': (event, context) => {
    if (!event.directoryId) return adminSecretRejectedMessage(event, context);
    const secret = secretFacts(event.data);
    const directory = directoryLabel(event.directoryId, context);
    const revoked = event.data.reason === 'revoked';
    const why = revoked ? `was revoked at ${formatTime(String(event.data.revokedAt))}` : `expired at ${formatTime(secret.expiresAt)}`;
    return {
      eventType: event.type,
      severity: 'critical',
      title: `Directory ${directory} refuses requests: its identity provider still sends ${revoked ? 'a revoked' : 'an expired'} secret`,
      summary: `A client${event.data.userAgent ? ` (${String(event.data.userAgent)})` : ''} keeps presenting the client secret "${secret.name}" (…${secret.suffix}) of directory ${directory}, which ${why}. Every such request is refused with 401, so provisioning into this directory has stopped. This is repeated at most once an hour while it lasts.`,
      facts: [
        ['Directory', directory],
        ['Secret', `"${secret.name}" (…${secret.suffix}, ${secret.id})`],
        [revoked ? 'Revoked' : 'Expired', revoked ? formatTime(String(event.data.revokedAt)) : `${formatTime(secret.expiresAt)} (${agoText(secret.expiresAt, context.now)})`],
        ['Client address', String(event.data.clientIp ?? 'unknown')],
      ],
      steps: renewalSteps(event.directoryId, null, context),
      ...consoleLink(event.directoryId, context),
    };
  },
  'directory.quiet': (event, context) => {
    const directory = directoryLabel(event.directoryId, context);
    const last = String(event.data.lastRequestAt ?? '');
    return {
      eventType: event.type,
      severity: 'warning',
      title: `Directory ${directory} has had no requests since ${formatTime(last)}`,
      summary: `Directory ${directory} used to receive requests from its identity provider, but none has arrived for ${durationText(Number(event.data.quietForMs))}. Provisioning may have stopped.`,
      facts: [
        ['Directory', directory],
        ['Last request', `${formatTime(last)} (${agoText(last, context.now)})`],
      ],
      steps: [
        'In the Microsoft Entra admin center: Enterprise applications → your app → Provisioning: check that provisioning is running (not stopped or in quarantine) and read the provisioning logs.',
        'If Entra shows a credential error, renew the secret: Provisioning → Admin Credentials → Secret Token (a new one from `scimd token create ' + commandArg(event.directoryId, context) + '`), then Test Connection and Save.',
        `See the directory's traffic with \`scimd status\`.`,
      ],
      ...consoleLink(event.directoryId, context),
    };
  },
  'connection.quarantined': (event, context) => connectionMessage(event, context, 'critical', 'is in quarantine', 'The provisioning connection has failed repeatedly and now runs rarely, as Entra does with a quarantined job.', [
    'Read why with `scimd connection show ' + connectionArg(event.data) + '` and the cycle log.',
    'Fix the cause (target URL, credentials, the failing objects), then run `scimd sync ' + connectionArg(event.data) + '` to resume.',
  ]),
  'connection.stopped': (event, context) => connectionMessage(event, context, 'critical', 'has stopped', 'The provisioning connection stopped: its deletion threshold was reached or it failed too long, so nothing more is sent until someone looks.', [
    'Review what would be deleted or what failed with `scimd connection show ' + connectionArg(event.data) + '` (a dry run: `scimd sync ' + connectionArg(event.data) + ' --dry-run`).',
    'If the deletions are intended, release them and run `scimd sync ' + connectionArg(event.data) + '`; otherwise fix the source first.',
  ]),
  'connection.recovered': (event, context) => connectionMessage(event, context, 'info', 'has recovered', 'The provisioning connection completed a cycle again; nothing needs doing.', []),
  'notify.test': (_event, context) => ({
    eventType: 'notify.test',
    severity: 'info',
    title: 'scimd notifications work',
    summary: 'This is a test message from scimd. This recipient will hear about expiring, expired and rejected secrets, quiet directories and stopped provisioning connections.',
    facts: [['Sent', formatTime(context.now.toISOString())]],
    steps: [],
    ...(context.publicUrl ? { link: { label: 'Open the scimd console', url: `${context.publicUrl}/#/notifications` } } : {}),
  }),
};

/** An admin secret (no directory) expiring or expired: what breaks and how to replace it. */
function adminSecretMessage(event: NotifiableEvent, context: NotificationContext): NotificationMessage {
  const secret = secretFacts(event.data);
  const expired = event.type === 'secret.expired';
  const daysLeft = Number(event.data.daysLeft);
  const when = expired ? 'has expired' : daysLeft <= 0 ? 'expires today' : `expires in ${plural(daysLeft, 'day')}`;
  return {
    eventType: event.type,
    severity: expired ? 'critical' : 'warning',
    title: `Admin secret "${secret.name}" ${when}`,
    summary: `The admin secret "${secret.name}" (…${secret.suffix}) ${when}${expired ? `, at ${formatTime(secret.expiresAt)}` : ''}. Scripts, remote CLI commands (--url) and console sign-ins that use it ${expired ? 'are refused now' : 'will be refused then'}.`,
    facts: [
      ['Secret', `"${secret.name}" (…${secret.suffix}, ${secret.id})`],
      [expired ? 'Expired' : 'Expires', expired ? `${formatTime(secret.expiresAt)} (${agoText(secret.expiresAt, context.now)})` : `${formatTime(secret.expiresAt)} (${plural(daysLeft, 'day')} left)`],
    ],
    steps: [...adminReplacementSteps(secret, context), `Revoke the old one: \`scimd admin token revoke ${secret.id}\`.`],
    ...consoleHome(context),
  };
}

/** Where an admin secret was presented (the event's `via`), named as the reader knows the place. */
const ADMIN_ROUTES: Record<string, string> = {
  admin_api: 'the admin API (a script, a remote CLI command with --url, or a metrics scraper)',
  console_sign_in: 'the console sign-in',
  console_session: 'the console, in a session signed in before it expired',
};

/**
 * Something still presents an expired or revoked admin secret: it is refused, so that script,
 * scraper or person has stopped working; give it a current secret.
 */
function adminSecretRejectedMessage(event: NotifiableEvent, context: NotificationContext): NotificationMessage {
  const secret = secretFacts(event.data);
  const revoked = event.data.reason === 'revoked';
  const why = revoked ? `was revoked at ${formatTime(String(event.data.revokedAt))}` : `expired at ${formatTime(secret.expiresAt)}`;
  const via = ADMIN_ROUTES[String(event.data.via)] ?? 'the admin API';
  const client = [event.data.clientIp ? `from ${String(event.data.clientIp)}` : '', event.data.userAgent ? `(${String(event.data.userAgent)})` : ''].filter(Boolean).join(' ');
  const facts: Array<[string, string]> = [
    ['Secret', `"${secret.name}" (…${secret.suffix}, ${secret.id})`],
    revoked ? ['Revoked', formatTime(String(event.data.revokedAt))] : ['Expired', `${formatTime(secret.expiresAt)} (${agoText(secret.expiresAt, context.now)})`],
    ['Presented to', via],
    ['Client address', String(event.data.clientIp ?? 'unknown')],
  ];
  if (event.data.userAgent) facts.push(['Client', String(event.data.userAgent)]);
  return {
    eventType: event.type,
    severity: 'critical',
    title: `Something still uses the ${revoked ? 'revoked' : 'expired'} admin secret "${secret.name}"`,
    summary: `A client${client ? ` ${client}` : ''} presented the admin secret "${secret.name}" (…${secret.suffix}) to ${via}, and it ${why}. Such requests are refused with 401, so whatever sends it has stopped working. This is repeated at most once an hour while it lasts.`,
    facts,
    steps: [
      'Find what sends it: the client address and program above, and scripts, cron jobs, CI variables or scrapers that set SCIMD_ADMIN_SECRET.',
      ...adminReplacementSteps(secret, context),
    ],
    ...consoleHome(context),
  };
}

/** Create a successor admin secret and put it where the old one is used. */
function adminReplacementSteps(secret: { name: string }, context: NotificationContext): string[] {
  return [
    `Create a new admin secret: \`scimd admin token create --name "${secret.name} ${context.now.getUTCFullYear() + 1}"\` (on the server's database, or with --url and a valid admin secret). It is shown once.`,
    'Put it where the old one is used: SCIMD_ADMIN_SECRET of scripts and remote CLI commands, your password manager for console sign-in.',
  ];
}

function consoleHome(context: NotificationContext): Pick<NotificationMessage, 'link'> {
  return context.publicUrl ? { link: { label: 'Open the scimd console', url: `${context.publicUrl}/` } } : {};
}

function connectionMessage(
  event: NotifiableEvent,
  context: NotificationContext,
  severity: NotificationMessage['severity'],
  what: string,
  summary: string,
  steps: string[],
): NotificationMessage {
  const name = String(event.data.connectionName ?? event.data.connectionId ?? 'unknown');
  const facts: Array<[string, string]> = [['Connection', `"${name}" (${String(event.data.connectionId ?? '')})`]];
  if (event.data.reason) facts.push(['Reason', String(event.data.reason)]);
  if (event.data.since) facts.push(['Since', formatTime(String(event.data.since))]);
  if (event.data.failures !== undefined && event.data.failures !== null) facts.push(['Failures', String(event.data.failures)]);
  return {
    eventType: event.type,
    severity,
    title: `Provisioning connection "${name}" ${what}`,
    summary,
    facts,
    steps,
    ...(context.publicUrl ? { link: { label: 'Open the connection in the scimd console', url: `${context.publicUrl}/#/connections/${encodeURIComponent(String(event.data.connectionId ?? ''))}` } } : {}),
  };
}

function secretFacts(data: JsonObject): { id: string; name: string; suffix: string; expiresAt: string } {
  return { id: String(data.secretId ?? ''), name: String(data.secretName ?? ''), suffix: String(data.suffix ?? ''), expiresAt: String(data.expiresAt ?? '') };
}

/** Create a successor, give it to Entra (or Okta), check it is used, then revoke the old one. */
function renewalSteps(directoryId: string, oldSecretId: string | null, context: NotificationContext): string[] {
  const directory = commandArg(directoryId, context);
  return [
    `Create a new client secret: \`scimd token create ${directory} --name "Entra ${context.now.getUTCFullYear() + 1}"\` (or in the console). It is shown once.`,
    'In the Microsoft Entra admin center: Enterprise applications → your app → Provisioning → Admin Credentials → Secret Token: paste the new secret.',
    'Click Test Connection, then Save (Test Connection alone leaves Entra on the old secret). Okta: Provisioning → Integration → API token → Test → Save.',
    `Check \`scimd token list ${directory}\`: once the new secret shows a recent last use, ${oldSecretId ? `revoke the old one with \`scimd token revoke ${oldSecretId}\`` : 'the identity provider uses it'}.`,
  ];
}

function retireSteps(directoryId: string, oldSecretId: string, context: NotificationContext): string[] {
  return [
    `Nothing is needed for provisioning. Check \`scimd token list ${commandArg(directoryId, context)}\` and revoke the old secret once it is no longer used: \`scimd token revoke ${oldSecretId}\`.`,
  ];
}

function consoleLink(directoryId: string, context: NotificationContext): Pick<NotificationMessage, 'link'> {
  if (!context.publicUrl || !directoryId) return {};
  return { link: { label: 'Open the directory in the scimd console', url: `${context.publicUrl}/#/directories/${encodeURIComponent(directoryId)}` } };
}

function directoryLabel(directoryId: string, context: NotificationContext): string {
  return context.directoryName ? `"${context.directoryName}"` : directoryId;
}

/** A directory as a command argument: its name when simple, else quoted; its id when unknown. */
function commandArg(directoryId: string, context: NotificationContext): string {
  const name = context.directoryName ?? directoryId;
  return /^[\w.-]+$/.test(name) ? name : JSON.stringify(name);
}

function connectionArg(data: JsonObject): string {
  const name = String(data.connectionName ?? data.connectionId ?? '');
  return /^[\w.-]+$/.test(name) ? name : JSON.stringify(name);
}

/** `2026-12-16 14:05 UTC`: unambiguous for readers in any country. */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso || 'unknown';
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function agoText(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return 'unknown';
  if (ms < DAY_MS) return 'less than a day ago';
  return `${plural(Math.floor(ms / DAY_MS), 'day')} ago`;
}

function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'a while';
  const hours = Math.round(ms / 3_600_000);
  return hours >= 48 ? plural(Math.round(hours / 24), 'day') : plural(hours, 'hour');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
