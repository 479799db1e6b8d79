import { parseDuration } from '../../auth/duration.js';
import type { Encryptor } from '../../auth/encryption.js';
import type { ConnectionRecord } from '../connections/connection.js';
import { decryptCredential, storedSecret } from '../connections/target-client.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { quarantinedEvent, recoveredEvent, stoppedEvent, stoppedSince } from './connection-state-events.js';
import { runCycle, type CycleOptions, type CycleReport } from './run-cycle.js';

export interface ConnectionCycleOptions extends Pick<CycleOptions, 'dryRun' | 'full' | 'allowDeletes' | 'honourEscrow' | 'signal' | 'onProgress' | 'clientOptions' | 'now' | 'chunkSize'> {
  store: ConnectionStore;
  encryptor: Encryptor;
  connection: ConnectionRecord;
  /** A cycle the schedule started: it becomes a full reconcile when the connection's `fullSyncEvery` is due. */
  scheduled?: boolean;
}

/**
 * A cycle of a stored connection with its bookkeeping, the same for `scimd sync`, the admin API
 * and the scheduler: a deletion threshold the admin released applies to the next real cycle and
 * is re-armed once a cycle has passed it; a refused credential or a mostly failing cycle
 * quarantines the connection; a completed real cycle clears the quarantine. A scheduled cycle is
 * a full reconcile when the connection asks for one this often, and a completed full reconcile is
 * remembered on the connection.
 */
export async function runConnectionCycle(options: ConnectionCycleOptions): Promise<CycleReport> {
  const { store } = options;
  // The caller's record may predate a self-rotation (the scheduler reads connections before
  // credential upkeep runs): the cycle starts with the credential stored now.
  const connection = await withCurrentCredential(store, options.connection);
  const released = Boolean(connection.allowDeletes);
  const now = options.now ?? (() => new Date());
  const full = options.full ?? (options.scheduled === true && fullReconcileDue(connection, now()));
  const stoppedFrom = options.dryRun ? null : stoppedSince(await store.listCycles(connection.id, 20));
  const report = await runCycle({
    ...options,
    full,
    connection,
    credential: decryptCredential(connection, options.encryptor),
    currentSecret: storedSecret(() => store.findConnection(connection.id), options.encryptor),
    encryptor: options.encryptor,
    allowDeletes: options.allowDeletes || released,
  });
  if (options.dryRun) return report;
  const at = now();
  if (report.quarantine) {
    const same = connection.quarantine?.reason === report.quarantine.reason;
    const quarantine = same ? { ...report.quarantine, since: connection.quarantine!.since } : report.quarantine;
    // An event when the state changes: entering quarantine, or for another reason; not on every cycle of it.
    await store.setQuarantine(connection.id, quarantine, same ? undefined : quarantinedEvent(connection, quarantine, report.summary.failed, at));
  } else if (report.cycle.status === 'completed' && connection.quarantine) {
    await store.setQuarantine(connection.id, null, recoveredEvent(connection, `a cycle completed after the quarantine (${connection.quarantine.detail})`, connection.quarantine.since, at));
  }
  if (report.cycle.status === 'stopped' && !stoppedFrom) await store.appendConnectionEvent(stoppedEvent(connection, report.cycle, at));
  if (report.cycle.status === 'completed' && stoppedFrom) {
    await store.appendConnectionEvent(recoveredEvent(connection, 'a cycle completed after the deletion threshold had stopped it', stoppedFrom, at));
  }
  if (released && report.cycle.status === 'completed') await store.setAllowDeletes(connection.id, false);
  if (full && !options.dryRun && report.cycle.status === 'completed') {
    // Read again: the cycle itself may have learned the target's batch size.
    const profile = (await store.findConnection(connection.id))?.targetProfile ?? {};
    await store.setTargetProfile(connection.id, { ...profile, lastFullSyncAt: report.cycle.finishedAt });
  }
  return report;
}

/** The record with the credential (and its expiry and state) as stored now; the rest as the caller gave it. */
async function withCurrentCredential(store: ConnectionStore, connection: ConnectionRecord): Promise<ConnectionRecord> {
  const stored = await store.findConnection(connection.id);
  if (!stored || stored.encryptedCredential === connection.encryptedCredential) return connection;
  return { ...connection, encryptedCredential: stored.encryptedCredential, credentialKind: stored.credentialKind, credentialExpiresAt: stored.credentialExpiresAt, credentialState: stored.credentialState };
}

/** Whether the connection's periodic full reconcile is due: never run, or its interval has passed since the last one. */
export function fullReconcileDue(connection: ConnectionRecord, now: Date): boolean {
  const every = connection.settings.fullSyncEvery;
  if (!every) return false;
  const last = connection.targetProfile?.lastFullSyncAt;
  if (!last) return true;
  return now.getTime() - Date.parse(last) >= (parseDuration(every) ?? Infinity);
}
