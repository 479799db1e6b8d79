/** How `scimd serve` reaches people (see docs/notifications.md). */
export interface NotifyConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  smtpUrl?: string;
  /** The From address of notification e-mails. */
  from?: string;
  /** A directory that had traffic and none for this long is announced once as quiet, in ms; 0 turns it off. */
  quietAfterMs: number;
  /** `SCIMD_PUBLIC_URL` without a trailing slash: messages link to the console there. */
  publicUrl?: string;
}

export const DEFAULT_NOTIFY_CONFIG: NotifyConfig = { quietAfterMs: 24 * 3_600_000 };
