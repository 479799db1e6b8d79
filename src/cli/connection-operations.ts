import type { Command } from 'commander';
import type { ConnectionRecord } from '../provisioning/connections/connection.js';
import { describeGroupHandling } from '../provisioning/connections/group-handling.js';
import { withConnectionClient } from './admin-connection.js';
import type { GlobalOptions } from './context.js';
import { printJson, shortTime, shortTimesIn } from './output.js';

/**
 * The operator's levers on a connection the engine stopped: release the deletion threshold for
 * one cycle (Entra's "Allow deletes"), and clear a quarantine.
 */
export function registerConnectionOperations(connection: Command): void {
  connection
    .command('allow-deletions <name>')
    .description("let the next cycle pass the deletion threshold (Entra's Allow deletes); it re-arms after that cycle")
    .option('--json', 'print the connection as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const result = await withConnectionClient(opts, (client) => client.allowDeletions(name));
      if (opts.json) return printJson(result);
      process.stdout.write(`The next cycle of ${result.name} may disable and delete past the deletion threshold (${result.settings.deletionThreshold}).\n`);
    });

  connection
    .command('clear-quarantine <name>')
    .description('clear a quarantine (a refused credential, or a cycle in which most objects failed); scheduled cycles resume their schedule')
    .option('--json', 'print the connection as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const result = await withConnectionClient(opts, (client) => client.clearQuarantine(name));
      if (opts.json) return printJson(result);
      process.stdout.write(`Cleared the quarantine of ${result.name}.\n`);
    });
}

/** Lines for `connection show`: quarantine, a released threshold, the credential's upkeep. */
export function operationalState(c: { quarantine: ConnectionRecord['quarantine']; allowDeletes: boolean; credentialState: ConnectionRecord['credentialState'] }): [string, string][] {
  const lines: [string, string][] = [];
  if (c.quarantine) lines.push(['QUARANTINED', `since ${shortTime(c.quarantine.since)} (${c.quarantine.reason}): ${shortTimesIn(c.quarantine.detail)}`]);
  if (c.allowDeletes) lines.push(['deletions', 'allowed past the threshold in the next cycle']);
  const state = c.credentialState;
  if (state?.expirySource === 'target') lines.push(['expiry source', 'read from the target; rotated by scimd before it expires']);
  if (state?.rotatedAt) lines.push(['last rotation', shortTime(state.rotatedAt)]);
  if (state?.rotationError) lines.push(['rotation failed', `${shortTime(state.rotationError.at)}: ${shortTimesIn(state.rotationError.detail)}`]);
  return lines;
}

/** Lines for `connection show`: how the target treats groups, as Test Connection and cycles learned it. */
export function targetProfileLines(profile: ConnectionRecord['targetProfile']): [string, string][] {
  if (!profile) return [['target groups', 'not probed yet; "scimd connection test" learns how the target treats group writes']];
  const lines: [string, string][] = [];
  if (profile.probedAt) lines.push(['target groups', `probed ${shortTime(profile.probedAt)}: ${describeGroupHandling(profile)}`]);
  if (profile.largestAcceptedBatch) lines.push(['member batches', `${profile.largestAcceptedBatch} accepted in one request${profile.refusedBatch ? `, ${profile.refusedBatch} refused` : ''}`]);
  if (profile.note) lines.push(['target note', profile.note]);
  if (profile.lastFullSyncAt) lines.push(['last full reconcile', shortTime(profile.lastFullSyncAt)]);
  return lines;
}
