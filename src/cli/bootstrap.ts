import { randomId } from '../auth/secret-format.js';
import { createSecret, DEFAULT_SECRET_LIFETIME_MS } from '../auth/secrets.js';
import { ScimError } from '../scim/errors.js';
import type { Store } from '../store/store.js';
import type { AdminSecretSetup } from '../admin/admin-bootstrap.js';
import { shortTime } from './output.js';

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
export async function bootstrapIfEmpty(store: Store, now: Date, lifetimeMs: number | null = DEFAULT_SECRET_LIFETIME_MS): Promise<Bootstrap | undefined> {
  if ((await store.listDirectories()).length > 0) return undefined;
  let directory;
  try {
    directory = await store.createDirectory({ id: randomId('dir'), name: 'default', created: now.toISOString() });
  } catch (error) {
    // Another replica starting on the same empty database created it first: nothing to print.
    if (error instanceof ScimError && error.status === 409) return undefined;
    throw error;
  }
  const { record, secret } = await createSecret(store, {
    directoryId: directory.id,
    scope: 'scim',
    name: 'bootstrap secret',
    lifetimeMs,
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
    `  Expires:        ${bootstrap.expiresAt ? shortTime(bootstrap.expiresAt) : 'never'}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${bootstrap.secret}" "${scimUrl}/Users"`,
    '',
    'In Entra ID: Provisioning → Admin Credentials → Tenant URL and Secret Token → Test Connection.',
    'More directories and secrets: scimd directory create <name>; scimd token create <name>.',
    '',
  ].join('\n');
}

/**
 * What `scimd serve` says about the admin secret on start: a newly created one, shown once, or a
 * warning that SCIMD_ADMIN_SECRET is no longer accepted. Empty when there is nothing to say.
 */
export function adminSecretNotice(origin: string, setup: AdminSecretSetup): string {
  if (setup.kind === 'environment-inactive') {
    return `\nWarning: SCIMD_ADMIN_SECRET (${setup.id}) was ${setup.state === 'revoked' ? 'revoked' : 'left to expire'} and is refused; set a new value, or create one with "scimd admin token create".\n`;
  }
  if (setup.kind !== 'created') return '';
  return [
    '',
    'Created a first admin secret for the admin API and the remote CLI. It is shown only now:',
    '',
    `  Admin API:      ${origin}/api/v1   (OpenAPI: ${origin}/api/v1/openapi.json)`,
    `  Admin secret:   ${setup.secret}`,
    `  Expires:        ${setup.expiresAt ? shortTime(setup.expiresAt) : 'never'}`,
    '',
    'Try it:',
    `  SCIMD_ADMIN_SECRET=${setup.secret} scimd status --url ${origin}`,
    '',
    'More admin secrets: scimd admin token create. To choose your own, start with SCIMD_ADMIN_SECRET set.',
    '',
  ].join('\n');
}
