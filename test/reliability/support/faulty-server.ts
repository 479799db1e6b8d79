import { DEFAULT_CONFIG } from '../../../src/config.js';
import { buildApp, SCIM_PREFIX } from '../../../src/http/app.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { acknowledgingUsersBeforeCommit } from './faulty-store.js';

/**
 * A scimd server with one deliberate fault, started as its own process so a test can kill it
 * with SIGKILL or trace its system calls. Usage: node faulty-server.js <database> [fault], where
 * fault is
 * - `ack-before-commit` (the default): the store acknowledges user creates a minute before committing
 *   them (see faulty-store.ts);
 * - `no-wal-sync`: SQLite's write-ahead log is never synced before an answer, the log sync
 *   replaced by a no-op (`setImmediate`), as if `fdatasync` were removed from wal-sync.ts.
 * Prints "scimd serving <url>" like `scimd serve`.
 */
const [db, fault = 'ack-before-commit'] = process.argv.slice(2);
const openFaulty: Record<string, () => Promise<Store>> = {
  'ack-before-commit': async () => acknowledgingUsersBeforeCommit(await openStore(db), 60_000),
  'no-wal-sync': () => openStore(db, { sqlite: { syncFile: () => new Promise((resolve) => setImmediate(resolve)) } }),
};
if (!openFaulty[fault]) throw new Error(`unknown fault ${fault}`);
const store = await openFaulty[fault]();
const app = await buildApp({ store, config: { ...DEFAULT_CONFIG, db } });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`scimd serving ${address}${SCIM_PREFIX} on a faulty store (${fault})\n`);
