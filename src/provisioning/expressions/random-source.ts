import { randomInt } from 'node:crypto';

/**
 * Where Guid and RandomString draw their randomness. The engine uses the operating system's
 * cryptographic generator (RandomString makes passwords); tests pass a seeded one so that every
 * result is known in advance.
 */
export interface RandomSource {
  /** A whole number from 0 to `max` − 1, every one equally likely. */
  int(max: number): number;
}

export const CRYPTO_RANDOM: RandomSource = { int: (max) => randomInt(max) };
