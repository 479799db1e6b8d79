import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { PREPARED_PER_CONNECTION, PreparedStatements } from '../../src/store/postgres/prepared-statements.js';
import { fixedStatement } from '../../src/store/sql/fixed-statements.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe('PreparedStatements (one connection’s statement names)', () => {
  it('gives a text the same name every time, and different texts different names', () => {
    const names = new PreparedStatements(3);
    const a = names.nameFor('SELECT 1 WHERE $1');
    assert.equal(names.nameFor('SELECT 1 WHERE $1'), a);
    assert.notEqual(names.nameFor('SELECT 2 WHERE $1'), a);
  });

  it('keeps at most its capacity, dropping the least recently used for deallocation', () => {
    const names = new PreparedStatements(2);
    const a = names.nameFor('a');
    const b = names.nameFor('b');
    names.nameFor('a');
    names.nameFor('c');
    assert.equal(names.size, 2);
    assert.deepEqual(names.takeDropped(), [b]);
    assert.deepEqual(names.takeDropped(), []);
    assert.equal(names.nameFor('a'), a, 'a was used recently, so it stayed');
    assert.notEqual(names.nameFor('b'), b, 'a dropped name is never given again');
  });
});

if (BACKENDS.includes('postgres')) {
  describe('Named statements on PostgreSQL', () => {
    let database: TestDatabase;
    let driver: PostgresDriver;
    /** The statements prepared on the pool's one connection, as PostgreSQL lists them. */
    const prepared = async (text?: string) => {
      const rows = await driver.all<{ n: string }>('SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = coalesce($1, statement)', [text ?? null]);
      return Number(rows[0].n);
    };

    before(async () => {
      database = await createTestDatabase('postgres');
      driver = new PostgresDriver(database.url, { maxConnections: 1 });
    });
    after(async () => {
      await driver.close();
      await database.drop();
    });

    it('runs a fixed text as a named statement, parsed once for the connection', async () => {
      const text = fixedStatement('SELECT $1::int + 1 AS n');
      assert.equal((await driver.get<{ n: number }>(text, [1]))?.n, 2);
      assert.equal((await driver.get<{ n: number }>(text, [41]))?.n, 42);
      assert.equal(await prepared(text), 1);
    });

    it('runs any other text unnamed, so it is planned for the values bound', async () => {
      const text = 'SELECT $1::int + 2 AS n';
      assert.equal((await driver.get<{ n: number }>(text, [1]))?.n, 3);
      assert.equal(await prepared(text), 0);
    });

    it('keeps at most its bound of statements on a connection, however many fixed texts run', async () => {
      for (let i = 0; i < PREPARED_PER_CONNECTION + 30; i++) {
        assert.equal((await driver.get<{ n: number }>(fixedStatement(`SELECT $1::int + ${i} AS n`), [0]))?.n, i);
      }
      const count = await prepared();
      assert.ok(count <= PREPARED_PER_CONNECTION, `${count} statements prepared`);
      assert.ok(count >= PREPARED_PER_CONNECTION - 1, `${count} statements prepared: the recent ones stay`);
      // A text dropped from the connection is prepared again when it comes back.
      assert.equal((await driver.get<{ n: number }>(fixedStatement('SELECT $1::int + 0 AS n'), [5]))?.n, 5);
    });
  });
}
