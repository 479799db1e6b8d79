import type { Encryptor } from '../../auth/encryption.js';
import { BearerSecret, ClientCredentials, type Credential, type CurrentSecret } from '../client/credentials.js';
import { HttpTransport } from '../client/http-transport.js';
import { ScimClient, type ScimClientOptions } from '../client/scim-client.js';
import type { ConnectionRecord, TargetCredential } from './connection.js';

/** Decrypts a connection's credential; only ever held in memory. */
export function decryptCredential(connection: ConnectionRecord, encryptor: Encryptor): TargetCredential {
  try {
    return JSON.parse(encryptor.decrypt(connection.encryptedCredential)) as TargetCredential;
  } catch {
    throw new Error(`The credential of connection ${connection.name} cannot be decrypted: the encryption key differs from the one it was stored with (SCIMD_ENCRYPTION_KEY or the key file)`);
  }
}

/** The secrets a credential holds, so logs and messages can redact them. */
export function secretsOf(credential: TargetCredential): string[] {
  return credential.kind === 'bearer' ? [credential.secret] : [credential.clientSecret];
}

/**
 * A SCIM client for the connection's target, with its limits and credential. `current` reads the
 * secret stored now, so a request refused right after the engine rotated its own secret is sent
 * again with the successor (see BearerSecret).
 */
export function targetClient(
  connection: ConnectionRecord,
  credential: TargetCredential,
  extra: Partial<ScimClientOptions> = {},
  current?: CurrentSecret,
): { client: ScimClient; credential: Credential; close(): void } {
  const { settings } = connection;
  let auth: Credential;
  let tokenTransport: HttpTransport | undefined;
  if (credential.kind === 'bearer') {
    auth = new BearerSecret(credential.secret, connection.credentialExpiresAt ? new Date(connection.credentialExpiresAt) : undefined, current);
  } else {
    tokenTransport = new HttpTransport({ maxSockets: 2, timeoutMs: settings.timeoutSeconds * 1000 });
    auth = new ClientCredentials(credential, tokenTransport);
  }
  const client = new ScimClient({
    baseUrl: connection.targetUrl,
    credential: auth,
    concurrency: settings.concurrency,
    ratePerSecond: settings.ratePerSecond,
    timeoutMs: settings.timeoutSeconds * 1000,
    ...extra,
  });
  return {
    client,
    credential: auth,
    close: () => {
      client.close();
      tokenTransport?.close();
    },
  };
}

/** Reads a connection's stored bearer secret as it is now; undefined when it is gone or not a bearer secret. */
export function storedSecret(read: () => Promise<ConnectionRecord | undefined>, encryptor: Encryptor): CurrentSecret {
  return async () => {
    const record = await read();
    if (!record || record.credentialKind !== 'bearer') return undefined;
    const credential = decryptCredential(record, encryptor);
    if (credential.kind !== 'bearer') return undefined;
    return { secret: credential.secret, expiresAt: record.credentialExpiresAt ? new Date(record.credentialExpiresAt) : undefined };
  };
}
