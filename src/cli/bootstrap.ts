import { randomId } from '../auth/secret-format.js';
import { createSecret, DEFAULT_SECRET_LIFETIME_MS } from '../auth/secrets.js';
import type { Store } from '../store/store.js';

export interface Bootstrap {
  directoryId: string;
  directoryName: string;
  secretId: string;
  secret: string;
  expiresAt: string | null;
}

/**
 * On a database with no directories, creates `default` and its first client secret, so a
 * newcomer can provision within a minute. Returns undefined when there is anything already.
 */
export async function bootstrapIfEmpty(store: Store, now: Date): Promise<Bootstrap | undefined> {
  if ((await store.listDirectories()).length > 0) return undefined;
  const directory = await store.createDirectory({ id: randomId('dir'), name: 'default', created: now.toISOString() });
  const { record, secret } = await createSecret(store, {
    directoryId: directory.id,
    scope: 'scim',
    name: 'bootstrap secret',
    lifetimeMs: DEFAULT_SECRET_LIFETIME_MS,
    now,
  });
  return { directoryId: directory.id, directoryName: directory.name, secretId: record.id, secret, expiresAt: record.expiresAt };
}

/** The banner `scimd serve` prints on first start: URL, secret (once) and a curl to try. */
export function bootstrapBanner(scimUrl: string, bootstrap: Bootstrap): string {
  return [
    '',
    `Created directory "${bootstrap.directoryName}" with a first client secret. It is shown only now:`,
    '',
    `  Tenant URL:     ${scimUrl}`,
    `  Client secret:  ${bootstrap.secret}`,
    `  Expires:        ${bootstrap.expiresAt ?? 'never'}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${bootstrap.secret}" "${scimUrl}/Users"`,
    '',
    'In Entra ID: Provisioning → Admin Credentials → Tenant URL and Secret Token → Test Connection.',
    'More directories and secrets: scimd directory create <name>; scimd token create <name>.',
    '',
  ].join('\n');
}
