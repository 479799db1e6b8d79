import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';

describe('SQLite rows as arrays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-arrays-'));
  const driver = new SqliteDriver(join(dir, 'a.db'));
  after(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Raw mode belongs to a prepared statement: one text read both ways must not share it.
  it('gives arrays in the SELECT order, and the same text read as objects stays objects', async () => {
    const sql = 'SELECT $1 AS b, 2 AS a, NULL AS c';
    await driver.readSnapshot(async (tx) => {
      assert.deepEqual(await tx.arrays!(sql, ['x']), [['x', 2, null]]);
      assert.deepEqual(await tx.all(sql, ['y']), [{ b: 'y', a: 2, c: null }]);
      assert.deepEqual(await tx.arrays!(sql, ['z']), [['z', 2, null]]);
      assert.deepEqual(await tx.get(sql, ['w']), { b: 'w', a: 2, c: null });
    });
  });
});
