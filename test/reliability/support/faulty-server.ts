import { DEFAULT_CONFIG } from '../../../src/config.js';
import { buildApp, SCIM_PREFIX } from '../../../src/http/app.js';
import { openStore } from '../../../src/store/open-store.js';
import { acknowledgingUsersBeforeCommit } from './faulty-store.js';

/**
 * A scimd server whose store acknowledges user creates before committing them (see
 * faulty-store.ts), started as its own process so a test can kill it with SIGKILL.
 * Usage: node faulty-server.js <database>. Prints "scimd serving <url>" like `scimd serve`.
 */
const db = process.argv[2];
const store = acknowledgingUsersBeforeCommit(await openStore(db), 3000);
const app = await buildApp({ store, config: { ...DEFAULT_CONFIG, db } });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`scimd serving ${address}${SCIM_PREFIX} on a faulty store\n`);
