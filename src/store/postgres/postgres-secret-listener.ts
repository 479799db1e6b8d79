import pg from 'pg';

/** The channel the `secrets` table's trigger notifies on (migration 14), in the committing transaction. */
export const SECRETS_CHANNEL = 'scimd_secrets';

/** Longest a request waits for the listener's round trip before it reads its secret instead. */
const SYNC_TIMEOUT_MS = 2_000;

/** How long after a failed connection the listener waits before trying again (on demand, no timer). */
const RETRY_AFTER_MS = 1_000;

/**
 * Listens for changes to the `secrets` table on a connection of its own, so a replica can keep
 * verified secrets in memory: `token()` changes on every notification and is undefined whenever
 * the listener is not known to be listening (not yet connected, dropped, reconnecting), which
 * turns the cache off. A notification lost with a dropped connection therefore never matters:
 * nothing cached before the drop is trusted after it.
 */
export class PostgresSecretListener {
  private client: pg.Client | undefined;
  private listening = false;
  private generation = 0;
  private lastAttempt = -Infinity;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  /**
   * The generation once every change committed before this call has been heard; undefined while
   * not listening (and the listener is started on first use). LISTEN/NOTIFY alone is not enough:
   * a client that revokes on one replica and turns to another can be faster than the
   * notification. So a round trip on the listening connection is made first: the server sends
   * pending notifications before it answers. Calls that arrive before the round trip is sent
   * share it, and it is sent only once the one before it was answered (pg would queue it until
   * then anyway), so under load one round trip serves every call that arrived during the last.
   */
  async synced(): Promise<string | undefined> {
    const client = this.client;
    if (this.heard() === undefined || !client) return undefined;
    this.roundTrips++;
    if (this.nextSync?.client !== client) this.nextSync = { client, done: this.sendAfter(this.inFlight, client) };
    try {
      await this.nextSync.done;
    } catch {
      return undefined;
    }
    return this.listening && this.client === client ? String(this.generation) : undefined;
  }

  /** Round trips sent on the listening connection (each shared by the `synced()` calls that joined it). */
  syncsSent = 0;
  /** The round trip calls join until it is sent. */
  private nextSync: { client: pg.Client; done: Promise<void> } | undefined;
  /** The round trip sent and not answered yet; never rejects. */
  private inFlight: Promise<void> | undefined;

  private async sendAfter(previous: Promise<void> | undefined, client: pg.Client): Promise<void> {
    await previous;
    // Calls made in the same turn of the event loop (requests parsed together) join too.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.nextSync?.client === client) this.nextSync = undefined;
    const roundTrip = this.roundTrip(client);
    this.inFlight = roundTrip.catch(() => undefined);
    await roundTrip;
  }

  /**
   * One `SELECT 1`. A listener that stops answering (a silent network failure) must not hold
   * requests up: after SYNC_TIMEOUT_MS it is dropped, and requests read their secrets until a
   * new one listens.
   */
  private async roundTrip(client: pg.Client): Promise<void> {
    this.syncsSent++;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SYNC_TIMEOUT_MS);
      timer.unref();
    });
    try {
      if ((await Promise.race([client.query('SELECT 1'), timedOut])) === 'timeout') {
        this.drop(client);
        throw new Error('the secret listener did not answer in time');
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The generation as heard so far, without the round trip: a change committed a moment ago may
   * not have been heard yet, so a caller acts on it only until `synced()` confirms it (see
   * VerifiedSecretCache.lookAhead). Undefined while not listening (and the listener is started).
   */
  heard(): string | undefined {
    if (this.listening && this.client) return String(this.generation);
    if (!this.client && !this.closed && Date.now() - this.lastAttempt >= RETRY_AFTER_MS) void this.connect();
    return undefined;
  }

  /** Round trips made for `synced()` callers, counted once per caller (see DatabaseStats.statements). */
  roundTrips = 0;

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** Forgets a listening connection: nothing cached while it listened is trusted any more. */
  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.listening = false;
    this.generation++;
    this.client = undefined;
    client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.lastAttempt = Date.now();
    // Named, so an operator (or a test) can tell it apart in pg_stat_activity.
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'scimd-secret-listener', keepAlive: true });
    this.client = client;
    const lost = () => this.drop(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === SECRETS_CHANNEL) this.generation++;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SECRETS_CHANNEL}`);
      if (this.closed || this.client !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      // Whatever changed before LISTEN took effect is covered: the cache starts empty for this generation.
      this.generation++;
      this.listening = true;
    } catch {
      lost();
    }
  }
}
