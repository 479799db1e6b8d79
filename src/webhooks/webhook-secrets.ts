import type { Encryptor } from '../auth/encryption.js';
import { generateWebhookSecret } from '../events/webhook-signature.js';

/** One signing secret of a webhook; an old one keeps signing until `expiresAt` after a rotation. */
export interface SigningSecret {
  secret: string;
  created: string;
  expiresAt: string | null;
}

/**
 * Webhook signing secrets at rest. scimd must sign with them again on every delivery, so they
 * are encrypted (AES-256-GCM, src/auth/encryption.ts), not hashed; shown once when made.
 */
export class WebhookSecrets {
  constructor(private readonly encryptor: Encryptor) {}

  seal(secrets: SigningSecret[]): string {
    return this.encryptor.encrypt(JSON.stringify(secrets));
  }

  open(sealed: string): SigningSecret[] {
    return JSON.parse(this.encryptor.decrypt(sealed)) as SigningSecret[];
  }

  /** The secrets that sign a delivery at `now`, newest first. */
  signingSecrets(sealed: string, now: Date): string[] {
    return this.open(sealed)
      .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime())
      .map((s) => s.secret);
  }
}

/** A first secret for a new webhook. */
export function firstSecret(now: Date): SigningSecret {
  return { secret: generateWebhookSecret(), created: now.toISOString(), expiresAt: null };
}

/**
 * A rotation: a new secret first, the current ones kept until `overlapMs` from now (so receivers
 * can switch without a failed delivery), expired ones dropped.
 */
export function rotateSecrets(current: SigningSecret[], now: Date, overlapMs: number): { secrets: SigningSecret[]; fresh: SigningSecret; oldExpireAt: string } {
  const oldExpireAt = new Date(now.getTime() + overlapMs).toISOString();
  const kept = current
    .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime())
    .map((s) => ({ ...s, expiresAt: s.expiresAt === null || s.expiresAt > oldExpireAt ? oldExpireAt : s.expiresAt }));
  const fresh = firstSecret(now);
  return { secrets: [fresh, ...kept], fresh, oldExpireAt };
}
