import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Encryptor } from '../../src/auth/encryption.js';
import type { LifecycleLogger } from '../../src/lifecycle/lifecycle-logger.js';
import { decryptCredential } from '../../src/provisioning/connections/target-client.js';
import { runConnectionCycle } from '../../src/provisioning/engine/connection-cycle.js';
import { ProvisioningRuntime } from '../../src/provisioning/provisioning-runtime.js';
import { adminApi, type AdminCall } from '../support/admin-api.js';
import { BACKENDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`the engine's own target secret on ${backend}`, () => {
    let server: TestServer;
    let call: AdminCall;
    let dir: string;
    let runtime: ProvisioningRuntime;
    const lines: { level: string; msg: string; object: Record<string, unknown> }[] = [];
    const log: LifecycleLogger = {
      info: (object, msg) => void lines.push({ level: 'info', msg, object: object as Record<string, unknown> }),
      warn: (object, msg) => void lines.push({ level: 'warn', msg, object: object as Record<string, unknown> }),
      error: (object, msg) => void lines.push({ level: 'error', msg, object: object as Record<string, unknown> }),
    };
    const encryptor = new Encryptor(randomBytes(32));
    const usersWith = (secret: string) => server.raw('GET', '/Users?count=10', { headers: { authorization: `Bearer ${secret}` } });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimd-rotation-'));
      process.env.SCIMD_KEY_FILE = join(dir, 'scimd.key');
      writeFileSync(join(dir, 'users.csv'), 'userName,externalId\nann@acme.com,e1\n');
      server = await startTestServer(backend);
      ({ call } = await adminApi(server));
      runtime = new ProvisioningRuntime({ db: server.databaseUrl, log, encryptor, clock: () => server.clock.now });
    });
    after(async () => {
      await runtime.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.SCIMD_KEY_FILE;
    });

    it('learns the expiry from a scimd target, warns, and rotates before expiry with no human step', async () => {
      const directory = await call('POST', '/directories', { name: 'app' });
      const first = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine', expiresIn: '10d' });
      const service = await runtime.connections();
      await service.create('app', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: first.body.secret });

      const outcome = await (await runtime.credentials()).check((await service.store.findConnection('app'))!);
      assert.equal(outcome, 'rotated');
      const warning = lines.find((l) => l.level === 'warn' && /expires in 10 days/.test(l.msg));
      assert.ok(warning, 'the expiry read from the target raised a warning first');
      assert.equal(warning!.object.connection, 'app');
      assert.ok(lines.some((l) => l.level === 'info' && /rotated the target secret of app/.test(l.msg)));
      assert.ok(!JSON.stringify(lines).includes(first.body.secret), 'no log line carries a secret');

      const rotated = (await service.store.findConnection('app'))!;
      const credential = decryptCredential(rotated, encryptor);
      assert.equal(credential.kind, 'bearer');
      const secret = (credential as { secret: string }).secret;
      assert.notEqual(secret, first.body.secret);
      assert.ok(Date.parse(rotated.credentialExpiresAt!) - server.clock.now.getTime() > 300 * DAY, "the successor has the directory's default lifetime");
      assert.equal(rotated.credentialState?.expirySource, 'target');
      assert.ok(rotated.credentialState?.rotatedAt);

      assert.equal((await usersWith(first.body.secret)).status, 401, 'the old secret is retired');
      assert.equal((await usersWith(secret)).status, 200);
      const secrets = (await call('GET', `/directories/${directory.body.id}/secrets`)).body.secrets as { id: string; revokedAt: string | null }[];
      assert.deepEqual(secrets.filter((s) => !s.revokedAt).length, 1, 'one active secret: no pile-up');

      const cycle = await service.run('app');
      assert.equal(cycle.cycle.status, 'completed', cycle.cycle.message ?? '');
      assert.equal(cycle.summary.created, 1);
      // The cycle ran on the successor: the user is in the target directory, read with it.
      const onTarget = await usersWith(secret);
      assert.deepEqual(onTarget.body.Resources.map((u: { userName: string; externalId: string }) => [u.userName, u.externalId]), [['ann@acme.com', 'e1']]);

      assert.equal(await (await runtime.credentials()).check(rotated), 'checked', 'a fresh secret is not rotated again');
    });

    it('keeps the old secret when the target refuses a successor, and says why', async () => {
      const directory = await call('POST', '/directories', { name: 'locked', settings: { allowSelfRotation: false } });
      const only = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine', expiresIn: '5d' });
      const service = await runtime.connections();
      await service.create('locked', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: only.body.secret });
      assert.equal(await (await runtime.credentials()).check((await service.store.findConnection('locked'))!), 'rotation-failed');
      const after = (await service.store.findConnection('locked'))!;
      assert.equal((decryptCredential(after, encryptor) as { secret: string }).secret, only.body.secret);
      assert.match(after.credentialState?.rotationError?.detail ?? '', /refused a successor/);
      assert.equal((await usersWith(only.body.secret)).status, 200, 'the old secret still works');
      const shown = await call('GET', '/connections/locked');
      assert.match(shown.body.credentialState.rotationError.detail, /403|self-rotation/i);
    });

    it('leaves an expiry the admin entered alone', async () => {
      const service = await runtime.connections();
      const directory = await call('POST', '/directories', { name: 'entered' });
      const secret = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine' });
      await service.create('entered', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: secret.body.secret });
      await service.setSecret('entered', { secret: secret.body.secret, secretExpires: '2040-01-01' });
      assert.equal(await (await runtime.credentials()).check((await service.store.findConnection('entered'))!), 'checked');
      assert.equal((await service.store.findConnection('entered'))!.credentialExpiresAt, '2040-01-01T00:00:00.000Z');
    });

    it('leaves an expiry entered when the connection was created alone', async () => {
      const service = await runtime.connections();
      const directory = await call('POST', '/directories', { name: 'entered-at-create' });
      const secret = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine' });
      const created = await service.create('entered-at-create', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: secret.body.secret, secretExpires: '2041-02-03' });
      assert.deepEqual(created.connection.credentialState, { expirySource: 'entered' });
      assert.equal(await (await runtime.credentials()).check((await service.store.findConnection('entered-at-create'))!), 'checked');
      const kept = (await service.store.findConnection('entered-at-create'))!;
      assert.deepEqual([kept.credentialExpiresAt, kept.credentialState?.expirySource], ['2041-02-03T00:00:00.000Z', 'entered']);
    });

    it('a cycle started with the record read before a self-rotation sends the current secret, not the retired one', async () => {
      const directory = await call('POST', '/directories', { name: 'stale' });
      const first = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine', expiresIn: '10d' });
      const service = await runtime.connections();
      await service.create('stale', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: first.body.secret });
      // What Scheduler.tick() held: the record read before beforeTick rotated the secret.
      const stale = (await service.store.findConnection('stale'))!;
      assert.equal(await (await runtime.credentials()).check(stale), 'rotated');
      assert.equal((await usersWith(first.body.secret)).status, 401, 'the secret in the stale record is retired');

      const report = await runConnectionCycle({ store: service.store, encryptor, connection: stale, scheduled: true, honourEscrow: true });
      assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
      assert.equal(report.quarantine, undefined, 'not quarantined for a secret the engine retired itself');
      assert.equal((await service.store.findConnection('stale'))!.quarantine, null);
      const current = (decryptCredential((await service.store.findConnection('stale'))!, encryptor) as { secret: string }).secret;
      const onTarget = await usersWith(current);
      assert.deepEqual(onTarget.body.Resources.map((u: { userName: string }) => u.userName), ['ann@acme.com'], 'the user reached the target');
    });

    it('a scheduler starting while a rotation is due (a restart) rotates, then runs the cycle on the new secret', async () => {
      const directory = await call('POST', '/directories', { name: 'restart' });
      const first = await call('POST', `/directories/${directory.body.id}/secrets`, { name: 'engine', expiresIn: '10d' });
      const service = await runtime.connections();
      await service.create('restart', { source: `file:${dir}/users.csv`, target: server.baseUrl, secret: first.body.secret, schedule: '1h' });
      // Only this connection is scheduled; the others in this file have no schedule.
      const scheduler = await runtime.startScheduler({ tickMs: 3_600_000 });
      const id = (await service.store.findConnection('restart'))!.id;
      const cycle = await waitFor('the scheduled cycle to end', async () => (await service.store.listCycles(id, 5)).find((c) => c.status !== 'running'));
      await waitFor('the scheduler to finish', () => !scheduler.active.length);
      const record = (await service.store.findConnection('restart'))!;
      assert.ok(record.credentialState?.rotatedAt, 'the secret was rotated before the cycle');
      assert.equal(cycle.status, 'completed', cycle.message ?? '');
      assert.equal(record.quarantine, null);
      const current = (decryptCredential(record, encryptor) as { secret: string }).secret;
      assert.deepEqual((await usersWith(current)).body.Resources.map((u: { userName: string }) => u.userName), ['ann@acme.com']);
    });
  });
}
