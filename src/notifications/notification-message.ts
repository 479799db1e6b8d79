/**
 * A notification as a person reads it, before it is shaped for a channel (e-mail, Slack, Teams).
 * Built from an event by src/notifications/notification-templates.ts; never holds a secret.
 */
export interface NotificationMessage {
  /** The event type it tells about, e.g. `secret.expiring`. */
  eventType: string;
  /** `warning` needs action soon; `critical` means something already stopped; `info` is good news or a test. */
  severity: 'info' | 'warning' | 'critical';
  /** One line: the e-mail subject and the chat title. */
  title: string;
  /** What happened, in a sentence or two. */
  summary: string;
  /** Labelled facts (directory, secret, expiry, …), in reading order. */
  facts: Array<[label: string, value: string]>;
  /** Exactly what to do next, in order; empty when nothing is needed. */
  steps: string[];
  /** The console page to open, when the server's public URL is known. */
  link?: { label: string; url: string };
}

/** What a template may know besides the event: names for ids, and where the console is. */
export interface NotificationContext {
  /** The directory's name, when the event belongs to one that still exists. */
  directoryName?: string;
  /** `SCIMD_PUBLIC_URL`, without a trailing slash. */
  publicUrl?: string;
  now: Date;
}
