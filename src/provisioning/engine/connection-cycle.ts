import type { Encryptor } from '../../auth/encryption.js';
import type { ConnectionRecord } from '../connections/connection.js';
import { decryptCredential } from '../connections/target-client.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { runCycle, type CycleOptions, type CycleReport } from './run-cycle.js';

export interface ConnectionCycleOptions extends Pick<CycleOptions, 'dryRun' | 'full' | 'allowDeletes' | 'honourEscrow' | 'signal' | 'onProgress' | 'clientOptions' | 'now' | 'chunkSize'> {
  store: ConnectionStore;
  encryptor: Encryptor;
  connection: ConnectionRecord;
}

/**
 * A cycle of a stored connection with its bookkeeping, the same for `scimd sync`, the admin API
 * and the scheduler: a deletion threshold the admin released applies to the next real cycle and
 * is re-armed once a cycle has passed it; a refused credential or a mostly failing cycle
 * quarantines the connection; a completed real cycle clears the quarantine.
 */
export async function runConnectionCycle(options: ConnectionCycleOptions): Promise<CycleReport> {
  const { store, connection } = options;
  const released = Boolean(connection.allowDeletes);
  const report = await runCycle({
    ...options,
    credential: decryptCredential(connection, options.encryptor),
    encryptor: options.encryptor,
    allowDeletes: options.allowDeletes || released,
  });
  if (options.dryRun) return report;
  if (report.quarantine) {
    const same = connection.quarantine?.reason === report.quarantine.reason;
    await store.setQuarantine(connection.id, same ? { ...report.quarantine, since: connection.quarantine!.since } : report.quarantine);
  } else if (report.cycle.status === 'completed' && connection.quarantine) {
    await store.setQuarantine(connection.id, null);
  }
  if (released && report.cycle.status === 'completed') await store.setAllowDeletes(connection.id, false);
  return report;
}
