import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';

/**
 * On SIGTERM or SIGINT: stop accepting connections, let requests already in flight finish,
 * close the store, exit 0. If requests are still running after `timeoutMs` (Kubernetes sends
 * SIGKILL 30 s after SIGTERM), or a second signal arrives, exit 1 at once.
 */
export function shutdownOnSignals(app: FastifyInstance, store: Store, timeoutMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'stopping: no new connections; finishing in-flight requests');
    setTimeout(() => {
      app.log.error({ timeoutMs }, 'in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    // A keep-alive connection whose request finishes after the stop began would otherwise hold
    // the server open until the client closes it: close connections as soon as they go idle.
    setInterval(() => app.server.closeIdleConnections(), 100).unref();
    try {
      await app.close();
      await store.close();
      app.log.info('stopped');
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'could not stop cleanly');
      process.exit(1);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
