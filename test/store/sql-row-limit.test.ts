import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresDialect } from '../../src/store/postgres/postgres-dialect.js';
import { SqlParams } from '../../src/store/sql/sql-params.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';

describe('LIMIT of a list page', () => {
  // SQLite plans with a bound LIMIT's value and prepares the statement again on every binding.
  it('is a literal on SQLite, with nothing bound', () => {
    const params = new SqlParams();
    assert.equal(sqliteDialect.rowLimit(101, params), '101');
    assert.deepEqual(params.values, []);
  });

  it('refuses on SQLite anything but a whole, non-negative count, since it goes into the text', () => {
    for (const bad of [1.5, -1, Number.NaN, Infinity, 2 ** 60]) assert.throws(() => sqliteDialect.rowLimit(bad, new SqlParams()), /not a row count/, String(bad));
  });

  it('is a bound parameter on PostgreSQL', () => {
    const params = new SqlParams();
    params.add('directory');
    assert.equal(postgresDialect.rowLimit(101, params), '$2');
    assert.deepEqual(params.values, ['directory', 101]);
  });
});
