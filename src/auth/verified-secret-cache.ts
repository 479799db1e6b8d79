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
  /** Keyed by a secret's hash, or by `id:` and its id for access tokens (which name their secret by id). */
  private readonly entries = new Map<string, { record: SecretRecord; version: string }>();

  constructor(private readonly store: Store) {}

  /** A client secret presented as itself, found by its hash. */
  findByHash(hash: string): Promise<SecretRecord | undefined> {
    return this.find(hash, () => this.store.findSecretByHash(hash));
  }

  /** The secret an access token was issued for, found by its id (the token's signature vouches for the id). */
  findById(id: string): Promise<SecretRecord | undefined> {
    return this.find(idKey(id), () => this.store.findSecret(id));
  }

  /**
   * For work that writes nothing: the cached secret at once when no change has been heard since
   * it was read, with the confirmation (the round trip `findByHash` would have waited for) still
   * to come from `recheck()`. The caller must hold the work's answer until that settles.
   * Undefined when there is no such entry (or the store cannot guess): use `findByHash`.
   */
  lookAhead(hash: string): AheadLookup | undefined {
    return this.ahead(hash, () => this.store.findSecretByHash(hash));
  }

  /** lookAhead for the secret behind an access token (see findById). */
  lookAheadById(id: string): AheadLookup | undefined {
    return this.ahead(idKey(id), () => this.store.findSecret(id));
  }

  private async find(key: string, read: () => Promise<SecretRecord | undefined>): Promise<SecretRecord | undefined> {
    // The change version is read before the secret, so a change that lands in between makes the entry stale at once.
    const version = await this.store.secretChangeToken();
    const cached = this.entries.get(key);
    if (version !== undefined && cached?.version === version) return cached.record;
    return this.read(key, read, version);
  }

  private ahead(key: string, read: () => Promise<SecretRecord | undefined>): AheadLookup | undefined {
    const heard = this.store.heardSecretChangeToken();
    const cached = this.entries.get(key);
    if (heard === undefined || cached?.version !== heard) return undefined;
    const recheck = async () => {
      const version = await this.store.secretChangeToken();
      if (version !== undefined && version === cached.version) return undefined;
      // The version just synced is read before the secret, as find reads it.
      return { record: await this.read(key, read, version) };
    };
    return { record: cached.record, recheck };
  }

  private async read(key: string, find: () => Promise<SecretRecord | undefined>, version: string | undefined): Promise<SecretRecord | undefined> {
    this.entries.delete(key);
    const record = await find();
    if (record && version !== undefined) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { record, version });
    }
    return record;
  }
}

/** A hash is hex, so no hash can be mistaken for this. */
function idKey(id: string): string {
  return `id:${id}`;
}
