import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { GROUP_SCHEMA, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { CLI, startScimd, type ScimdProcess } from '../support/scimd-process.js';

const run = promisify(execFile);
const scimd = (...args: string[]) => run(process.execPath, [CLI, ...args]);

const KEPT_ID = '5a0f7a2e-3b7c-4c1e-9d0a-000000000001';
const user = (n: number, extra: object = {}) => ({
  schemas: [USER_SCHEMA],
  userName: `imported${n}@example.com`,
  externalId: `ext-${n}`,
  emails: [{ value: `Imported${n}@Example.com`, type: 'work', primary: true }],
  ...extra,
});

for (const backend of BACKENDS) {
  describe(`scimd import (${backend})`, () => {
    let database: TestDatabase;
    let dir: string;
    let server: ScimdProcess;
    let secret: string;
    let summary: { users: number; groups: number; skipped: number; skippedLines: number[] };
    let again: typeof summary;

    const file = (name: string, lines: unknown[]) => {
      const path = join(dir, name);
      writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
      return path;
    };
    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
      return { status: response.status, body: (await response.json()) as any };
    };

    before(async () => {
      database = await createTestDatabase(backend);
      dir = mkdtempSync(join(tmpdir(), 'scimd-import-'));
      await scimd('directory', 'create', 'acme', '--db', database.url, '--json');
      const seed = file('seed.jsonl', [
        user(1, { id: KEPT_ID }),
        user(2),
        '',
        user(3, { active: 'False' }),
        user(4),
        user(5),
        { schemas: [GROUP_SCHEMA], displayName: 'Imported group', members: [{ value: KEPT_ID }] },
      ]);
      summary = JSON.parse((await scimd('import', 'acme', seed, '--db', database.url, '--batch', '2', '--json')).stdout);
      again = JSON.parse((await scimd('import', 'acme', seed, '--db', database.url, '--json')).stdout);
      secret = JSON.parse((await scimd('token', 'create', 'acme', '--db', database.url, '--json')).stdout).secret;
      server = await startScimd(['--db', database.url, '--no-bootstrap']);
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports every line, users and groups, in batches', () => {
      assert.equal(summary.users, 5);
      assert.equal(summary.groups, 1);
      assert.equal(summary.skipped, 0);
    });

    it('skips lines whose id or name is already taken, so the same file can be imported again', () => {
      assert.equal(again.users, 0);
      assert.equal(again.groups, 0);
      assert.equal(again.skipped, 6);
      assert.deepEqual(again.skippedLines, [1, 2, 4, 5, 6, 7]);
    });

    it('keeps the id a line gives, and the resource is served under it', async () => {
      const response = await get(`/Users/${KEPT_ID}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.userName, 'imported1@example.com');
      assert.equal(response.body.meta.version, 'W/"1"');
    });

    it('validates and coerces lines as a POST would', async () => {
      const response = await get(`/Users?filter=${q('userName eq "IMPORTED3@example.com"')}`);
      assert.equal(response.body.totalResults, 1);
      assert.equal(response.body.Resources[0].active, false);
    });

    it('stores group members, found from either side', async () => {
      const groups = await get(`/Groups?filter=${q('displayName eq "Imported group"')}`);
      assert.equal(groups.body.totalResults, 1);
      assert.deepEqual(
        groups.body.Resources[0].members.map((m: { value: string }) => m.value),
        [KEPT_ID],
      );
      const member = await get(`/Users/${KEPT_ID}?attributes=groups`);
      assert.deepEqual(
        member.body.groups.map((g: { display: string }) => g.display),
        ['Imported group'],
      );
    });

    it('fills the value index, so email matching finds imported users', async () => {
      const response = await get(`/Users?filter=${q('emails[type eq "work"].value eq "imported4@example.com"')}`);
      assert.equal(response.body.totalResults, 1);
      assert.equal(response.body.Resources[0].userName, 'imported4@example.com');
    });

    it('counts every match on a last page, and past the last page', async () => {
      const last = await get('/Users?startIndex=4&count=10');
      assert.equal(last.body.totalResults, 5);
      assert.equal(last.body.Resources.length, 2);
      const beyond = await get('/Users?startIndex=9&count=10');
      assert.equal(beyond.body.totalResults, 5);
      assert.equal(beyond.body.Resources?.length ?? 0, 0);
      const none = await get(`/Users?filter=${q('userName eq "nobody@example.com"')}`);
      assert.equal(none.body.totalResults, 0);
    });

    it('stops at an invalid line and names it', async () => {
      const bad = file('bad.jsonl', [user(10), user(11), { schemas: [USER_SCHEMA], displayName: 'no userName' }, user(12)]);
      await assert.rejects(scimd('import', 'acme', bad, '--db', database.url), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /line 3: userName is required \(2 users and 0 groups were imported before it\)/);
        return true;
      });
      const after = await get(`/Users?filter=${q('userName eq "imported12@example.com"')}`);
      assert.equal(after.body.totalResults, 0);
    });

    it('refuses a group whose member does not exist, naming the lines', async () => {
      const bad = file('orphan.jsonl', [{ schemas: [GROUP_SCHEMA], displayName: 'Orphans', members: [{ value: 'no-such-user' }] }]);
      await assert.rejects(scimd('import', 'acme', bad, '--db', database.url), (error: { stderr: string }) => {
        assert.match(error.stderr, /lines 1–1: No user or group with id "no-such-user"/);
        return true;
      });
    });
  });
}
