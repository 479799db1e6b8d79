import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminApi, assertOk, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

for (const backend of BACKENDS) {
  describe(`connection changes in the audit log (${backend})`, () => {
    let server: TestServer;
    let call: AdminCall;
    let adminSecretId: string;
    let dir: string;
    let targetSecret: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-connaudit-'));
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      writeFileSync(join(dir, 'users.csv'), 'userName,externalId\nann@acme.com,e1\n');
      server = await startTestServer(backend);
      ({ call, secretId: adminSecretId } = await adminApi(server));
      const directory = await call('POST', '/directories', { name: 'app' });
      targetSecret = (await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine' })).body.secret;
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
    });

    it('create, update, set-secret, allow-deletions and delete each leave an entry naming who did it, and no secret', async () => {
      const created = await call('POST', '/connections', { name: 'hr', source: `file:${dir}/users.csv`, target: server.baseUrl, secret: targetSecret, schedule: 'off' });
      assertOk(created, 201);
      const id = created.body.connection.id as string;
      assertOk(await call('PATCH', '/connections/hr', { schedule: '1h', deleteAfter: '0' }));
      assertOk(await call('PUT', '/connections/hr/secret', { secret: `${targetSecret}` }));
      assertOk(await call('POST', '/connections/hr/allow-deletions'));
      assertOk(await call('DELETE', '/connections/hr'));

      const page = await call('GET', '/audit?limit=20');
      assertOk(page);
      const entries = (page.body.entries as { action: string; targetType: string; targetId: string; actor: string; detail: Record<string, unknown> }[]).filter((e) => e.targetType === 'connection').reverse();
      assert.deepEqual(
        entries.map((e) => e.action),
        ['connection.created', 'connection.updated', 'connection.secret_set', 'connection.deletions_allowed', 'connection.deleted'],
      );
      for (const entry of entries) {
        assert.equal(entry.targetId, id);
        assert.equal(entry.actor, adminSecretId);
        assert.equal(entry.detail.name, 'hr');
      }
      assert.deepEqual(entries[1]!.detail.changed, ['deleteAfter', 'schedule']);
      assert.ok(!JSON.stringify(page.body).includes(targetSecret), 'the target secret never enters the audit log');
    });
  });
}
