import type { LifecycleLogger } from '../lifecycle/lifecycle-logger.js';
import { HttpConnectionClient, type ConnectionClient } from '../provisioning/connections/connection-client.js';
import { ConnectionService } from '../provisioning/connections/connection-service.js';
import { withConnections } from '../provisioning/connections/open-connections.js';
import { CredentialKeeper } from '../provisioning/credentials/credential-keeper.js';
import { osUser, type AdminConnectionOptions } from './admin-connection.js';
import { existingDatabaseOf } from './context.js';
import { remoteAdmin } from './remote-admin.js';

/** Reading an expiry logs nothing; a CLI command reports through its own output. */
const QUIET: LifecycleLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs a `connection` or `sync` command on the server's admin API (--url) or the database. Loaded when a command runs. */
export async function runWithConnectionClient<T>(options: AdminConnectionOptions, work: (client: ConnectionClient) => Promise<T>, env: NodeJS.ProcessEnv): Promise<T> {
  const remote = remoteAdmin(options, env);
  if (remote) return work(new HttpConnectionClient(remote));
  return withConnections(existingDatabaseOf(options), (store, encryptor) => {
    // As in the server: a passing test reads a scimd target's secret expiry and stores it.
    const keeper = new CredentialKeeper({ store, encryptor, log: QUIET, clock: () => new Date() });
    return work(new ConnectionService(store, encryptor, { actor: { id: `cli:${osUser(env)}`, ip: null }, afterTest: (connection, report) => keeper.afterTest(connection, report) }));
  });
}
