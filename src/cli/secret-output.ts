import type { CreatedSecret, SecretView } from '../admin/admin-views.js';
import { readSecretLifetime } from '../auth/secret-lifetime.js';
import { invalidValue } from '../scim/errors.js';
import { formatTable, shortTime } from './output.js';

/** The secrets table of `token list` and `admin token list`; the secret itself is never shown. */
export function secretTable(secrets: SecretView[]): string[] {
  return formatTable(
    ['ID', 'NAME', 'ENDS WITH', 'CREATED', 'EXPIRES', 'LAST USED', 'STATE'],
    secrets.map((s) => [s.id, s.name, `…${s.suffix}`, shortTime(s.created), expiry(s), lastUse(s), s.state]),
  );
}

/** `2027-11-28 10:00 (365 days)`, or `never`. */
export function expiry(secret: SecretView): string {
  if (!secret.expiresAt) return 'never';
  return secret.daysLeft === null ? shortTime(secret.expiresAt) : `${shortTime(secret.expiresAt)} (${secret.daysLeft === 0 ? 'under a day' : `${secret.daysLeft} day${secret.daysLeft === 1 ? '' : 's'}`})`;
}

function lastUse(secret: SecretView): string {
  if (!secret.lastUsedAt) return '-';
  return secret.lastUsedIp ? `${shortTime(secret.lastUsedAt)} from ${secret.lastUsedIp}` : shortTime(secret.lastUsedAt);
}

/** What `token create` and `admin token create` print: the secret once, and what to do with it. */
export function createdSecretText(title: string, secret: CreatedSecret, footer: string[]): string {
  return [
    `${title} (shown once; store it now):`,
    '',
    `  ${secret.secret}`,
    '',
    `  id:       ${secret.id}`,
    `  name:     ${secret.name}`,
    `  expires:  ${expiry(secret)}`,
    ...footer,
    '',
  ].join('\n');
}

/** Checks `--expires-in` before anything is sent, so the message names the flag the user typed. */
export function checkExpiresIn(value: string | undefined): void {
  if (value === undefined) return;
  const ms = readSecretLifetime(value, '--expires-in');
  if (ms instanceof Error) throw invalidValue(ms.message);
}
