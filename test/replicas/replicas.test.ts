import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startScimd, type ScimdProcess } from '../support/scimd-process.js';

interface Reply {
  status: number;
  body: any;
}

async function call(url: string, secret: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('two scimd replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: ScimdProcess;
  let b: ScimdProcess;
  let store: Store;
  let secret: string;
  let secretId: string;
  let keyFolder: string;

  const adminSecret = `replica-admin-${randomBytes(24).toString('hex')}`;
  let directoryId: string;
  const admin = async (replica: ScimdProcess, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${new URL(replica.url).origin}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminSecret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    database = await createTestDatabase('postgres');
    // Both start on an empty database at once: the migration lock must let exactly one migrate,
    // and exactly one may create the first-start directory.
    // Both share one key file path, which neither has created yet: they race to create it, and
    // must end up signing with the same key (sessions, tokens and cursors work on either).
    keyFolder = mkdtempSync(join(tmpdir(), 'scimd-replica-key-'));
    const env = { SCIMD_ADMIN_SECRET: adminSecret, SCIMD_KEY_FILE: join(keyFolder, 'scimd.key') };
    [a, b] = await Promise.all([startScimd(['--db', database.url], env), startScimd(['--db', database.url], env)]);
    store = await openStore(database.url, { migrations: 'require' });
    const directory = await admin(a, 'POST', '/directories', { name: 'replicas' });
    assert.equal(directory.status, 201);
    directoryId = directory.body.id;
    await admin(a, 'PATCH', `/directories/${directoryId}/settings`, { maxActiveSecrets: 5 });
    const created = await admin(b, 'POST', `/directories/${directoryId}/secrets`, { name: 'test' });
    assert.equal(created.status, 201);
    secret = created.body.secret;
    secretId = created.body.id;
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await database?.drop();
    if (keyFolder) rmSync(keyFolder, { recursive: true, force: true });
  });

  it('signs with one key: an access token issued by replica A opens replica B', async () => {
    const issued = await fetch(`${new URL(a.url).origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${secretId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(issued.status, 200);
    const token = ((await issued.json()) as { access_token: string }).access_token;
    assert.equal((await call(b.url, token, 'GET', '/Users')).status, 200);
    assert.equal(statSync(join(keyFolder, 'scimd.key')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(keyFolder), ['scimd.key'], 'no temporary key file is left behind');
  });

  it('applies each migration once and bootstraps once when both replicas start together', async () => {
    assert.deepEqual(await store.pendingMigrations(), []);
    const banners = [a, b].filter((replica) => replica.errors().includes('Client secret:'));
    assert.equal(banners.length, 1, 'exactly one replica prints the first-start secret');
    assert.equal((await store.listDirectories()).filter((d) => d.name === 'default').length, 1);
  });

  it('keeps all 50 members when 50 member-adds race across both replicas', async () => {
    const group = await call(a.url, secret, 'POST', '/Groups', { displayName: 'race' });
    assert.equal(group.status, 201);
    const users = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(i % 2 ? b.url : a.url, secret, 'POST', '/Users', { userName: `member${i}@example.com` })),
    );
    assert.ok(users.every((u) => u.status === 201));
    const adds = await Promise.all(
      users.map((user, i) =>
        call(i % 2 ? a.url : b.url, secret, 'PATCH', `/Groups/${group.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: user.body.id }] }],
        }),
      ),
    );
    assert.deepEqual(adds.map((r) => r.status).filter((s) => s !== 204), []);
    const read = await call(b.url, secret, 'GET', `/Groups/${group.body.id}`);
    assert.equal(read.body.members.length, 50);
    assert.equal(read.body.meta.version, 'W/"51"');
  });

  it('gives exactly one 201 when 20 creates of one userName race across both replicas', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(i % 2 ? b.url : a.url, secret, 'POST', '/Users', { userName: 'Contested@Example.com' })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 19);
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.scimType === 'uniqueness'));
  });

  it('continues a cursor listing started on one replica on the other', async () => {
    const seen = new Set<string>();
    let page = await call(a.url, secret, 'GET', '/Users?count=7&cursor=');
    let turn = 0;
    for (;;) {
      for (const user of page.body.Resources) {
        assert.ok(!seen.has(user.id), 'no user twice');
        seen.add(user.id);
      }
      if (!page.body.nextCursor) break;
      page = await call(turn++ % 2 ? a.url : b.url, secret, 'GET', `/Users?count=7&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      assert.equal(page.status, 200);
    }
    assert.equal(seen.size, page.body.totalResults);
  });

  it('refuses a secret on replica B on the next request after it is revoked through replica A', async () => {
    assert.equal((await call(b.url, secret, 'GET', '/Users?count=1')).status, 200);
    const revoked = await admin(a, 'DELETE', `/directories/${directoryId}/secrets/${secretId}?force=true`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refused = await call(b.url, secret, 'GET', '/Users?count=1');
    assert.equal(refused.status, 401);
    assert.equal((await call(a.url, secret, 'GET', '/Users?count=1')).status, 401);
  });
});
