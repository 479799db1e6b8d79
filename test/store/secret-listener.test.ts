import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresSecretListener } from '../../src/store/postgres/postgres-secret-listener.js';
import { BACKENDS, POSTGRES_ADMIN_URL, postgresAddress } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The listener's round trip (PostgreSQL): calls that arrive while one is on the wire share the
 * next one, however many turns of the event loop they are spread over, so under load the
 * listening connection carries one round trip per round trip time, not one per turn.
 */
describe('Secret listener round trips (postgres)', { skip: !BACKENDS.includes('postgres') }, () => {
  let proxy: TcpProxy;
  let listener: PostgresSecretListener;

  before(async () => {
    const { host, port } = postgresAddress();
    proxy = new TcpProxy(host, port);
    await proxy.start();
    const url = new URL(POSTGRES_ADMIN_URL);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    listener = new PostgresSecretListener(url.toString());
    await waitFor('the listener to listen', () => listener.heard() !== undefined, { timeoutMs: 10_000 });
  });
  after(async () => {
    proxy.release();
    await listener.close();
    await proxy.stop();
  });

  it('sends one round trip for all the calls made while the one before was unanswered', async () => {
    const sent = listener.syncsSent;
    const joined = listener.roundTrips;
    proxy.hold();
    let calls: Promise<string | undefined>[];
    try {
      calls = [listener.synced()];
      await waitFor('the first round trip to be sent', () => listener.syncsSent === sent + 1, { timeoutMs: 10_000 });
      // Three more calls, each in a turn of its own, while the first's answer is held back.
      for (let i = 0; i < 3; i++) {
        calls.push(listener.synced());
        await nextTurn();
      }
      assert.equal(listener.syncsSent, sent + 1, 'nothing more is sent while the first round trip is unanswered');
    } finally {
      proxy.release();
    }
    const tokens = await Promise.all(calls);
    assert.ok(tokens.every((token) => token !== undefined && token === tokens[0]), `every call synced: ${tokens}`);
    assert.equal(listener.syncsSent, sent + 2, 'the three later calls shared one round trip');
    assert.equal(listener.roundTrips - joined, 4, 'each call is still charged a round trip (DatabaseStats.statements)');
  });
});
