import type { Command } from 'commander';
import { durationHint, parseDuration } from '../auth/duration.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { invalidValue } from '../scim/errors.js';

/** The `scimd serve` flags of webhook delivery, as commander hands them over. */
export interface WebhookFlags {
  webhookTimeout?: string;
  webhookRetryWindow?: string;
  webhookRetryMinDelay?: string;
  webhookRetryMaxDelay?: string;
}

type WebhookConfig = Pick<ServerConfig, 'webhookTimeoutMs' | 'webhookRetryWindowMs' | 'webhookRetryMinDelayMs' | 'webhookRetryMaxDelayMs'>;

export function addWebhookOptions(command: Command): Command {
  return command
    .option('--webhook-timeout <duration>', 'longest wait for a webhook receiver\'s answer (env SCIMD_WEBHOOK_TIMEOUT; default 10s)')
    .option('--webhook-retry-window <duration>', 'how long a failing event is retried before its webhook stream is paused (env SCIMD_WEBHOOK_RETRY_WINDOW; default 3d)')
    .option('--webhook-retry-min-delay <duration>', 'wait after a first failed delivery, doubled after each further one (env SCIMD_WEBHOOK_RETRY_MIN_DELAY; default 5s)')
    .option('--webhook-retry-max-delay <duration>', 'longest wait between two delivery attempts (env SCIMD_WEBHOOK_RETRY_MAX_DELAY; default 1h)');
}

/** Flags first, then environment variables, then defaults. */
export function webhookConfig(flags: WebhookFlags, env: NodeJS.ProcessEnv): WebhookConfig {
  const duration = (flag: string | undefined, variable: string, name: string, fallback: number): number => {
    const text = flag ?? env[variable];
    if (!text) return fallback;
    const ms = parseDuration(text);
    if (typeof ms !== 'number') throw invalidValue(`--${name} ${JSON.stringify(text)} is not a duration such as 30s, 10min or 3d${durationHint(text)}`);
    return ms;
  };
  const config: WebhookConfig = {
    webhookTimeoutMs: duration(flags.webhookTimeout, 'SCIMD_WEBHOOK_TIMEOUT', 'webhook-timeout', DEFAULT_CONFIG.webhookTimeoutMs),
    webhookRetryWindowMs: duration(flags.webhookRetryWindow, 'SCIMD_WEBHOOK_RETRY_WINDOW', 'webhook-retry-window', DEFAULT_CONFIG.webhookRetryWindowMs),
    webhookRetryMinDelayMs: duration(flags.webhookRetryMinDelay, 'SCIMD_WEBHOOK_RETRY_MIN_DELAY', 'webhook-retry-min-delay', DEFAULT_CONFIG.webhookRetryMinDelayMs),
    webhookRetryMaxDelayMs: duration(flags.webhookRetryMaxDelay, 'SCIMD_WEBHOOK_RETRY_MAX_DELAY', 'webhook-retry-max-delay', DEFAULT_CONFIG.webhookRetryMaxDelayMs),
  };
  if (config.webhookRetryMaxDelayMs < config.webhookRetryMinDelayMs) throw invalidValue('--webhook-retry-max-delay must not be shorter than --webhook-retry-min-delay');
  return config;
}
