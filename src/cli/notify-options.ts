import type { Command } from 'commander';
import { parseDuration } from '../auth/duration.js';
import type { ServerConfig } from '../config.js';
import { DEFAULT_NOTIFY_CONFIG, type NotifyConfig } from '../notifications/notify-config.js';
import { invalidValue } from '../scim/errors.js';

/** The `scimd serve` flags of notifications, as commander hands them over. */
export interface NotifyFlags {
  smtpUrl?: string;
  notifyFrom?: string;
  quietAfter?: string;
}

export function addNotifyOptions(command: Command): Command {
  return command
    .option('--smtp-url <url>', 'SMTP server for notification e-mails: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (env SCIMD_SMTP_URL)')
    .option('--notify-from <address>', 'From address of notification e-mails (env SCIMD_NOTIFY_FROM)')
    .option('--quiet-after <duration>', 'tell notification recipients when a directory that had traffic has none for this long; "off" for never (env SCIMD_QUIET_AFTER; default 24h)');
}

/** Flags first, then environment variables, then defaults. */
export function notifyConfig(flags: NotifyFlags, env: NodeJS.ProcessEnv): Pick<ServerConfig, 'notify'> {
  const notify: NotifyConfig = { ...DEFAULT_NOTIFY_CONFIG };
  const smtpUrl = flags.smtpUrl ?? env.SCIMD_SMTP_URL;
  if (smtpUrl) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw invalidValue('--smtp-url must be a URL such as smtp://user:password@mail.example.com:587');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw invalidValue(`--smtp-url must start with smtp:// or smtps://, not ${url.protocol}//`);
    notify.smtpUrl = smtpUrl;
  }
  const from = flags.notifyFrom ?? env.SCIMD_NOTIFY_FROM;
  if (from) notify.from = from;
  const quiet = flags.quietAfter ?? env.SCIMD_QUIET_AFTER;
  if (quiet) {
    if (/^(off|never|0)$/i.test(quiet.trim())) notify.quietAfterMs = 0;
    else {
      const ms = parseDuration(quiet);
      if (typeof ms !== 'number' || ms <= 0) throw invalidValue(`--quiet-after ${JSON.stringify(quiet)} is not a duration such as 24h or 3d`);
      notify.quietAfterMs = ms;
    }
  }
  if (env.SCIMD_PUBLIC_URL) notify.publicUrl = env.SCIMD_PUBLIC_URL.replace(/\/+$/, '');
  return { notify };
}
