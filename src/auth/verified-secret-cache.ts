import type { SecretRecord, Store } from '../store/store.js';

/** Most secrets kept; a directory has a handful, so this is many directories' worth. */
const MAX_ENTRIES = 10_000;

/**
 * Secrets found by their hash, kept while the database says no secret has changed since they were
 * read (Store.secretChangeToken: SQLite's data_version, PostgreSQL's LISTEN/NOTIFY), never for a
 * time: a revocation, re-dating or deletion committed anywhere changes the token, and the next
 * request reads the secret again. Expiry needs no signal: the caller checks the record's
 * `expiresAt` against its clock on every request. Only secrets that were found are kept, so an
 * unknown secret always costs a read (and cannot fill the cache).
 */
export class VerifiedSecretCache {
  private readonly entries = new Map<string, { record: SecretRecord; version: string }>();

  constructor(private readonly store: Store) {}

  async findByHash(hash: string): Promise<SecretRecord | undefined> {
    // The change version is read before the secret, so a change that lands in between makes the entry stale at once.
    const version = await this.store.secretChangeToken();
    const cached = this.entries.get(hash);
    if (version !== undefined && cached?.version === version) return cached.record;
    if (cached) this.entries.delete(hash);
    const record = await this.store.findSecretByHash(hash);
    if (record && version !== undefined) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { record, version });
    }
    return record;
  }
}
