import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSecret } from '../../src/auth/secrets.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS } from '../support/databases.js';
import { startOtherWriter, type OtherWriter, type Replica } from '../support/replica.js';
import { patchOp, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * The store of the server under test, with two handles on its secret check: `gate` holds the
 * answer of `secretChangeToken()` (the listener's round trip on PostgreSQL) while closed, and
 * `freeze` makes `heardSecretChangeToken()` report what was heard before, as a replica does
 * whose notification of a revocation is still on the wire. Calls of the resource methods are
 * counted, so a test can see whether a request's own statement has started.
 */
class SecretCheckControl {
  private opened: (() => void) | undefined;
  private closed: Promise<void> | undefined;
  private frozen: string | undefined;
  readonly calls: Record<string, number> = { secretChangeToken: 0, getResource: 0, queryResources: 0, patchResource: 0 };

  wrap = (store: Store): Store =>
    new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === 'secretChangeToken') {
          return async () => {
            this.calls.secretChangeToken++;
            const token = await target.secretChangeToken();
            await this.closed;
            return token;
          };
        }
        if (property === 'heardSecretChangeToken') return () => this.frozen ?? target.heardSecretChangeToken();
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property in this.calls) {
          return (...args: unknown[]) => {
            this.calls[property as string]++;
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });

  close(): void {
    this.closed = new Promise((resolve) => (this.opened = resolve));
  }

  open(): void {
    this.opened?.();
    this.closed = undefined;
  }

  freeze(token: string | undefined): void {
    this.frozen = token;
  }
}

/** The answers, or a failure naming `what` if they take longer than `seconds`. */
async function withinSeconds<T>(seconds: number, what: string, pending: Promise<T>[]): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`waited ${seconds} s for ${what}`)), seconds * 1000)));
  try {
    return await Promise.race([Promise.all(pending), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request that writes nothing may run on a secret verified before while the database confirms
 * that it did not change. On PostgreSQL the read's own statement checks the secret, and only when
 * that finds a change (or reads no row) does the answer wait for the round trip on the listening
 * connection. A secret revoked before the request started is refused; nothing read on it is sent.
 * Writes still wait for the confirmation before they write.
 */
for (const backend of BACKENDS) {
  describe(`Reads that start before their secret is confirmed (${backend})`, () => {
    const control = new SecretCheckControl();
    let server: TestServer;
    /** The other writer: a second connection to the SQLite file, or a second server on PostgreSQL. */
    let otherStore: Store;
    let replica: Replica | undefined;
    let other: OtherWriter | undefined;

    before(async () => {
      server = await startTestServer(backend, { activityFlushMs: 0, authFailureLimit: 0 }, control.wrap);
      other = await startOtherWriter(server);
      ({ store: otherStore, replica } = other);
    });
    after(async () => {
      control.open();
      control.freeze(undefined);
      await other?.close();
      await server.close();
    });

    /** A directory with one user, its secret accepted twice so it is cached. */
    const cachedDirectory = async (): Promise<{ dir: TestDirectory; userId: string; secretId: string }> => {
      const directory = await server.createDirectory();
      const { record, secret } = await createSecret(server.store, { directoryId: directory.id, scope: 'scim', name: 'ahead', lifetimeMs: 86_400_000, now: server.clock.now });
      const dir: TestDirectory = { ...directory, secret, request: (method, path, body) => requestAs(secret, method, path, body) };
      const created = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${directory.id}@example.com` });
      assert.equal(created.status, 201, created.text);
      for (let i = 0; i < 2; i++) assert.equal((await dir.request('GET', `/Users/${created.body.id}`)).status, 200);
      return { dir, userId: created.body.id, secretId: record.id };
    };
    const requestAs = (secret: string, method: string, path: string, body?: unknown): Promise<ScimResponse> =>
      server.raw(method, path, {
        headers: { authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    it('refuses every GET sent after another replica revoked the secret', async () => {
      // No gate and no freeze: the notification races the request as it would in production.
      for (let i = 0; i < 10; i++) {
        const { dir, userId, secretId } = await cachedDirectory();
        assert.equal(await otherStore.revokeSecret(secretId, server.clock.now.toISOString()), true);
        const [byId, filtered] = await Promise.all([
          dir.request('GET', `/Users/${userId}`),
          dir.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${dir.id}@example.com"`)}`),
        ]);
        for (const response of [byId, filtered]) {
          assert.equal(response.status, 401, response.text);
          assert.ok(!response.text.includes('@example.com'), response.text);
        }
      }
    });

    it("answers a cached read whose own statement found its secret unchanged, without the listener's round trip", async () => {
      const { dir, userId } = await cachedDirectory();
      const checks = control.calls.secretChangeToken;
      const statements = (await server.store.stats()).statements;
      // The gate holds the listener's round trip: before reads checked their secret themselves,
      // their answers waited for it.
      control.close();
      let answers: ScimResponse[];
      try {
        answers = await withinSeconds(10, 'the reads to be answered while the listener is held', [
          dir.request('GET', `/Users/${userId}`),
          dir.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${dir.id}@example.com"`)}`),
          dir.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `userName eq "${dir.id}@example.com"` }),
        ]);
      } finally {
        control.open();
      }
      for (const response of answers) assert.equal(response.status, 200, response.text);
      assert.equal(answers[0].body.id, userId);
      for (const list of answers.slice(1)) assert.deepEqual(list.body.Resources.map((r: { id: string }) => r.id), [userId]);
      assert.equal(control.calls.secretChangeToken, checks, 'no round trip on the listening connection');
      // The reads' own statements, the secret's check in them: on PostgreSQL one each; on SQLite
      // one for the GET and five for each list (BEGIN, page, groups, the directory's row, COMMIT).
      assert.equal((await server.store.stats()).statements - statements, backend === 'sqlite' ? 11 : 3);
    });

    it('refuses a GET that read before hearing of a revocation committed before it started', async () => {
      const { dir, userId, secretId } = await cachedDirectory();
      // The revocation has not been heard yet when the requests start: they read on the old secret.
      control.freeze(server.store.heardSecretChangeToken());
      control.close();
      let answers: ScimResponse[];
      try {
        assert.equal(await otherStore.revokeSecret(secretId, server.clock.now.toISOString()), true);
        const reads = control.calls.getResource;
        const queries = control.calls.queryResources;
        const checks = control.calls.secretChangeToken;
        const pending = Promise.all([
          dir.request('GET', `/Users/${userId}`),
          dir.request('GET', '/Users/no-such-user'),
          dir.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${dir.id}@example.com"`)}`),
          dir.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `userName eq "${dir.id}@example.com"` }),
        ]);
        await waitFor('all four reads to run on the old secret', () => control.calls.getResource >= reads + 2 && control.calls.queryResources >= queries + 2, { timeoutMs: 10_000 });
        // Each read's own statement saw the revocation (or found no row), so each answer asks the listener.
        await waitFor('the four answers to ask the listener', () => control.calls.secretChangeToken >= checks + 4, { timeoutMs: 10_000 });
        control.open();
        answers = await pending;
      } finally {
        control.open();
        control.freeze(undefined);
      }
      for (const response of answers) {
        assert.equal(response.status, 401, response.text);
        assert.equal(response.body.detail, 'The client secret has been revoked');
        assert.match(response.headers.get('www-authenticate') ?? '', /invalid_token/);
        assert.equal(response.headers.get('content-type'), 'application/scim+json');
        for (const header of ['etag', 'location', 'x-scimd-event-sequence']) assert.equal(response.headers.get(header), null, header);
        assert.ok(!response.text.includes('@example.com'), response.text);
      }
    });

    it('answers a held GET when the change heard meanwhile was to another secret', async () => {
      // Created first: the notification of its secret must not land after the freeze.
      const other = await server.createDirectory();
      const { dir, userId } = await cachedDirectory();
      control.freeze(server.store.heardSecretChangeToken());
      control.close();
      let response: ScimResponse;
      try {
        await createSecret(otherStore, { directoryId: other.id, scope: 'scim', name: 'unrelated', lifetimeMs: 86_400_000, now: server.clock.now });
        const reads = control.calls.getResource;
        const pending = dir.request('GET', `/Users/${userId}`);
        await waitFor('the GET to read on the old secret', () => control.calls.getResource > reads, { timeoutMs: 10_000 });
        control.open();
        response = await pending;
      } finally {
        control.open();
        control.freeze(undefined);
      }
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.id, userId);
    });

    // On SQLite the PATCH's check finds data_version moved by the writes before it, so the secret
    // must be read again before a read may go ahead on it: the GET below would wait for the held
    // check too.
    if (backend !== 'postgres') return;

    it('keeps a write waiting for the secret check before it writes', async () => {
      const { dir, userId } = await cachedDirectory();
      const patches = control.calls.patchResource;
      control.close();
      let patched: Promise<ScimResponse>;
      try {
        const checks = control.calls.secretChangeToken;
        patched = dir.request('PATCH', `/Users/${userId}`, patchOp({ op: 'replace', path: 'displayName', value: 'Held' }));
        await waitFor('the PATCH to ask for the secret check', () => control.calls.secretChangeToken > checks, { timeoutMs: 10_000 });
        // A GET sent after it gets as far as its read: the PATCH had as long and did not write.
        const reads = control.calls.getResource;
        const read = dir.request('GET', `/Users/${userId}`);
        await waitFor('a later GET to read', () => control.calls.getResource > reads, { timeoutMs: 10_000 });
        assert.equal(control.calls.patchResource, patches, 'the PATCH wrote before its secret was confirmed');
        control.open();
        assert.equal((await read).status, 200);
      } finally {
        control.open();
      }
      const response = await patched;
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.displayName, 'Held');
    });
  });
}
