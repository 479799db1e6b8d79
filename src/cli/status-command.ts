import type { Command } from 'commander';
import type { DirectoryStatus, StatusReport } from '../admin/admin-views.js';
import type { RejectedAdminSecret } from '../admin/api-views.js';
import { invalidValue } from '../scim/errors.js';
import { connectionsHealth } from '../provisioning/connections/connection-health.js';
import { commandOptions, withAdminClient, withConnectionClient, type AdminConnectionOptions } from './admin-connection.js';
import { formatTable, printJson, shortTime, shortTimesIn } from './output.js';
import { expiry } from './secret-output.js';

/** The exit status when something needs an admin, distinct from 1 (the command failed). */
export const ATTENTION_EXIT_CODE = 2;

interface StatusOptions extends AdminConnectionOptions {
  idleHours?: string;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("print every directory's health and its secrets' expiry, worst first; exit 2 when something needs an admin")
    .option('--idle-hours <hours>', 'a connected directory without a request for this long is idle', '24')
    .option('--json', 'print the status report as JSON (the exit status is the same)')
    .addHelpText(
      'after',
      [
        '',
        'Health, worst first: rejecting (its identity provider sends an expired or revoked secret), no_active_secret,',
        'expiring (an active secret is inside the warning window, 60 days by default), idle, not_connected, healthy.',
        '',
        'Provisioning connections, worst first: quarantined, credential_expired, failing (the last cycle failed, the',
        'deletion threshold stopped it, or objects failed in it or wait in escrow), credential_expiring (unless scimd',
        'renews it itself), never_run, healthy.',
        '',
        'Exit status: 0 when all is well; 2 when a directory is rejecting, has an expiring secret, or lost its last',
        'active secret, an admin secret is expiring or was refused (expired or revoked) within --idle-hours, a',
        'connection needs attention, or a notification channel fails;',
        '1 when the command failed. For cron:',
        '  scimd status --db … > /dev/null || mail -s "scimd needs attention" admin@example.com',
      ].join('\n'),
    )
    .action(async (options: StatusOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const idleHours = Number(opts.idleHours ?? '24');
      if (!Number.isFinite(idleHours) || idleHours <= 0) throw invalidValue(`--idle-hours must be a positive number, not ${JSON.stringify(opts.idleHours)}`);
      const directories = await withAdminClient(opts, (client) => client.status({ idleHours }));
      // The admin API reports connections with the rest; on the database they are read here.
      const connections = directories.connections ?? connectionsHealth(await withConnectionClient(opts, (client) => client.list()), new Date(), directories.warningWindowDays);
      const report = { ...directories, connections, attention: directories.attention || connections.some((c) => c.attention) };
      if (opts.json) printJson(report);
      else process.stdout.write(statusText(report));
      if (report.attention) process.exitCode = ATTENTION_EXIT_CODE;
    });
}

function statusText(report: StatusReport): string {
  const lines: string[] = [];
  for (const directory of report.directories) lines.push(...directoryLines(directory), '');
  if (!report.directories.length) lines.push('No directories yet: scimd directory create <name>', '');
  const connections = report.connections ?? [];
  if (connections.length) {
    lines.push('Provisioning connections:');
    const rows = connections.map((c) => [c.name, c.health.toUpperCase().replace(/_/g, ' '), c.credentialExpiresAt ? shortTime(c.credentialExpiresAt) : '-', c.lastCycle ? `${shortTime(c.lastCycle.startedAt)} ${c.lastCycle.status}` : 'never', shortTimesIn(c.summary)]);
    lines.push(...formatTable(['CONNECTION', 'HEALTH', 'SECRET EXPIRES', 'LAST CYCLE', 'DETAIL'], rows).map((line) => `  ${line}`), '');
  }
  const admin = report.adminSecrets.filter((s) => s.state === 'active' || s.state === 'expiring');
  lines.push(
    `Admin secrets: ${admin.length} active` +
      admin
        .filter((s) => s.state === 'expiring')
        .map((s) => `; "${s.name}" (…${s.suffix}) expires ${expiry(s)}`)
        .join(''),
  );
  for (const r of report.rejectedAdminSecrets ?? []) lines.push(rejectedLine(r));
  const silent = report.failingNotifications ?? [];
  if (silent.length) {
    lines.push('Notifications failing (see "scimd notify log"):');
    for (const r of silent) lines.push(`  ${r.id} ${r.recipient}: ${r.state} since ${shortTime(r.failingSince)}${r.lastError ? `: ${r.lastError}` : ''}`);
  }
  const attention = report.directories.filter((d) => d.attention).length;
  const failing = connections.filter((c) => c.attention).length;
  const adminProblem = admin.some((s) => s.state === 'expiring') || (report.rejectedAdminSecrets ?? []).length > 0;
  lines.push(
    report.attention
      ? `Needs attention: ${attention} director${attention === 1 ? 'y' : 'ies'}${failing ? `, ${failing} connection${failing === 1 ? '' : 's'}` : ''}${adminProblem ? ' and an admin secret' : ''}${silent.length ? `; ${silent.length} notification channel${silent.length === 1 ? '' : 's'} failing` : ''} (warning window ${report.warningWindowDays} days).`
      : `Nothing needs attention (warning window ${report.warningWindowDays} days).`,
  );
  return `${lines.join('\n')}\n`;
}

const VIA: Record<string, string> = { admin_api: 'the admin API', console_sign_in: 'console sign-in', console_session: 'a console session' };

/** An expired or revoked admin secret still presented: where from, so the admin finds what sends it. */
function rejectedLine(r: RejectedAdminSecret): string {
  const how = r.reason === 'expired' ? 'expired' : 'was revoked';
  const from = [r.clientIp ? `from ${r.clientIp}` : '', r.via ? `via ${VIA[r.via] ?? r.via}` : '', r.userAgent ? `(${r.userAgent})` : ''].filter(Boolean).join(' ');
  return `  REJECTED: admin secret "${r.name}" (…${r.suffix}) ${how} ${shortTime(r.since)} but was presented ${shortTime(r.lastRejectedAt)}${from ? ` ${from}` : ''}; give whatever sends it an active admin secret (scimd admin token create)`;
}

function directoryLines(d: DirectoryStatus): string[] {
  const traffic = d.connected
    ? `last request ${shortTime(d.lastRequestAt)} from ${d.lastClientIp ?? '-'}; ${d.requestCount} requests, ${d.errorCount} errors, ${d.rejectedCount} rejected`
    : 'never connected';
  const secrets = d.secrets.filter((s) => s.state !== 'revoked');
  return [
    `${d.name} (${d.id})  ${d.health.toUpperCase().replace(/_/g, ' ')}: ${shortTimesIn(d.summary)}`,
    `  ${traffic}`,
    ...(secrets.length
      ? formatTable(
          ['SECRET', 'ENDS WITH', 'EXPIRES', 'STATE', 'LAST USED'],
          secrets.map((s) => [s.name, `…${s.suffix}`, expiry(s), s.state, shortTime(s.lastUsedAt)]),
        ).map((line) => `  ${line}`)
      : []),
  ];
}
