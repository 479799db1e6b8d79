import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { invalidValue } from '../../scim/errors.js';

/** The PEM files `--tls-cert` and `--tls-key` name. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The files a configuration names, when it asks for HTTPS. */
export function tlsFilesOf(config: { tlsCert?: string; tlsKey?: string }): TlsFiles | undefined {
  return config.tlsCert && config.tlsKey ? { certFile: config.tlsCert, keyFile: config.tlsKey } : undefined;
}

/** Entra requires TLS 1.2; nothing older is offered. */
export const TLS_MIN_VERSION = 'TLSv1.2';

/**
 * Reads the certificate chain and key and checks that they belong together, so a mistake is a
 * clear message at start (or a kept old certificate on reload) instead of failing handshakes.
 */
export function loadTlsOptions(files: TlsFiles): SecureContextOptions {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw invalidValue(`cannot read the TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const options: SecureContextOptions = {
    cert: read(files.certFile, 'certificate'),
    key: read(files.keyFile, 'key'),
    minVersion: TLS_MIN_VERSION,
  };
  try {
    createSecureContext(options);
  } catch (error) {
    // OpenSSL's message names the problem ("key values mismatch", "no start line"), never key material.
    throw invalidValue(`the TLS certificate ${files.certFile} and key ${files.keyFile} cannot be used together: ${(error as Error).message}`);
  }
  return options;
}

/**
 * The Fastify constructor option that makes the server HTTPS. Typed as a plain object so the app
 * keeps one instance type: an HTTPS server behaves the same for every route and hook scimd has.
 */
export function httpsServerOption(files: TlsFiles | undefined): object {
  return files ? { https: loadTlsOptions(files) } : {};
}
