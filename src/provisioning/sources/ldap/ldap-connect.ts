import { Client } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { guardedNetConnect, guardedTlsConnect } from '../../../outbound/guarded-sockets.js';
import type { LdapSourceSpec } from './ldap-source-spec.js';

/**
 * An LDAP client for a source, not yet bound: TLS verified against the connection's own CA when
 * it has one (a private CA is common for directories), and StartTLS on an ldap:// URL when asked.
 */
export async function connectLdap(spec: Pick<LdapSourceSpec, 'url' | 'caCertificate' | 'startTls'>, timeouts: { timeout: number; connectTimeout: number }): Promise<Client> {
  const tlsOptions: ConnectionOptions = { ...(spec.caCertificate ? { ca: spec.caCertificate } : {}), minVersion: 'TLSv1.2' };
  const ldaps = spec.url.startsWith('ldaps:');
  const client = new Client({ url: spec.url, ...timeouts, ...(ldaps ? { tlsOptions } : {}), createConnection: guardedNetConnect, createSecureConnection: guardedTlsConnect });
  if (!ldaps && spec.startTls) {
    try {
      await client.startTLS(tlsOptions);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw new Error(`StartTLS with ${spec.url} failed: ${(error as Error).message}`);
    }
  }
  return client;
}

/** Whether an error is the TLS handshake refusing the server's certificate (or the server refusing TLS). */
export function isTlsFailure(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return /CERT|SSL|TLS|self.signed|certificate|issuer/i.test(`${e?.code ?? ''} ${e?.message ?? ''}`);
}
