import type { SourceContext } from './source.js';

/** Decrypts a source's stored credential (`v1:…`); it is only ever held in memory. */
export function decryptSourceSecret(encrypted: string, context: SourceContext | undefined, what: string): string {
  if (!context?.encryptor) throw new Error(`Reading the source needs the credential key to decrypt the ${what}`);
  try {
    return context.encryptor.decrypt(encrypted);
  } catch {
    throw new Error(`The ${what} cannot be decrypted: the encryption key differs from the one it was stored with (SCIMD_ENCRYPTION_KEY or the key file)`);
  }
}
