import type { SecretRecord, Store } from '../store/store.js';

/** Most secrets kept; a directory has a handful, so this is many directories' worth. */
const MAX_ENTRIES = 10_000;

/** A cached secret to start a read-only request on, and what the database says once asked. */
export interface AheadLookup {
  record: SecretRecord;
  /**
   * Asks the database, by a round trip sent after this call; settles to undefined when no secret
   * changed since `record` was read (work started on it stands), otherwise to a fresh read of the
   * secret (`record` undefined when it is gone).
   */
  recheck(): Promise<{ record: SecretRecord | undefined } | undefined>;
}

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
    return this.read(hash, version);
  }

  /**
   * For work that writes nothing: the cached secret at once when no change has been heard since
   * it was read, with the confirmation (the round trip `findByHash` would have waited for) still
   * to come from `recheck()`. The caller must hold the work's answer until that settles.
   * Undefined when there is no such entry (or the store cannot guess): use `findByHash`.
   */
  lookAhead(hash: string): AheadLookup | undefined {
    const heard = this.store.heardSecretChangeToken();
    const cached = this.entries.get(hash);
    if (heard === undefined || cached?.version !== heard) return undefined;
    const recheck = async () => {
      const version = await this.store.secretChangeToken();
      if (version !== undefined && version === cached.version) return undefined;
      // The version just synced is read before the secret, as findByHash reads it.
      return { record: await this.read(hash, version) };
    };
    return { record: cached.record, recheck };
  }

  private async read(hash: string, version: string | undefined): Promise<SecretRecord | undefined> {
    this.entries.delete(hash);
    const record = await this.store.findSecretByHash(hash);
    if (record && version !== undefined) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { record, version });
    }
    return record;
  }
}
