import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ConnectionInput } from '../provisioning/connections/connection-input.js';
import type { SourceCheck } from '../provisioning/connections/connection-service.js';
import type { TestReport } from '../provisioning/connections/connection-test.js';
import type { SourceSpec } from '../provisioning/sources/source-spec.js';
import { withConnectionClient } from './admin-connection.js';
import { operationalState, targetProfileLines, registerConnectionOperations } from './connection-operations.js';
import type { GlobalOptions } from './context.js';
import { printJson, printTable, shortTime } from './output.js';

type Options = GlobalOptions & ConnectionInput & { groupsSync?: boolean; sourceCaFile?: string; sourceStarttls?: boolean };

/** Options shared by `create` and `update`. */
function connectionOptions(command: Command, create: boolean): Command {
  return command
    .option('--source <source>', `people to provision: file:users.csv, file:people.json, ldap://host[:port][/baseDN], ldaps://…, scim+https://host/scim/v2 or directory:<id or name>${create ? ' (required)' : ''}`)
    .option('--source-secret <secret>', 'LDAP: the bind password; SCIM source: its bearer secret; "-" reads it from standard input')
    .option('--bind-dn <dn>', 'LDAP: the account to read with, e.g. "cn=scimd,ou=services,dc=example,dc=com"')
    .option('--base-dn <dn>', 'LDAP: where users and groups are searched (or give it as the URL path)')
    .option('--user-filter <filter>', 'LDAP: which entries are users (default: inetOrgPerson, or AD users that are persons)')
    .option('--group-filter <filter>', 'LDAP: which entries are groups (default: groupOfNames, groupOfUniqueNames, AD group)')
    .option('--source-key <attribute>', 'LDAP: the attribute that identifies an entry across cycles (default: entryUUID, then objectGUID)')
    .option('--page-size <n>', 'LDAP and SCIM sources: entries per page read (default 500)')
    .option('--no-incremental', 'LDAP: read every entry each cycle instead of only those changed since the last (by modifyTimestamp)')
    .option('--incremental', 'LDAP: read only entries changed since the last cycle, where the server allows (default)')
    .option('--source-ca-file <pem>', 'LDAP: the CA certificate(s) the directory\'s certificate must chain to (PEM), for a private CA; stored with the connection')
    .option('--source-starttls', 'LDAP: upgrade an ldap:// connection with StartTLS before binding')
    .option('--no-source-starttls', 'LDAP: do not use StartTLS (default)')
    .option('--groups <file>', 'groups: a CSV or JSON file (a people.json may hold "groups" itself)')
    .option('--memberships <file>', 'group memberships: a CSV with the columns group,member')
    .option('--source-encoding <encoding>', 'files: how they are encoded when they start with no byte-order mark: utf-8 (default), utf-16le, windows-1252 or latin1')
    .option('--user-key <column>', 'the column that identifies a user across cycles (default: objectId, id, externalId, userPrincipalName or userName)')
    .option('--group-key <column>', 'the column that identifies a group (default: objectId, id, externalId or displayName)')
    .option('--target <url>', `the SCIM base URL (tenant URL) of the app${create ? ' (required)' : ''}`)
    .option('--secret <secret>', 'the secret token for the target; "-" reads it from standard input (arguments show in ps)')
    .option('--secret-expires <when>', 'when the secret expires: a date (2027-03-31), a lifetime (365d) or never')
    .option('--token-url <url>', 'OAuth client credentials instead of a secret: the token endpoint')
    .option('--client-id <id>', 'OAuth client id')
    .option('--client-secret <secret>', 'OAuth client secret; "-" reads it from standard input')
    .option('--oauth-scope <scope>', 'OAuth scope to request')
    .option('--mapping <file>', 'attribute mappings (JSON: {"users": [...], "groups": [...]}); "default" for the defaults')
    .option('--scope-users <filter>', 'scoping filter: a SCIM filter over source attributes, e.g. \'department eq "Sales"\'; "" for all')
    .option('--scope-groups <filter>', 'scoping filter for groups')
    .option('--delete-after <duration>', 'after a user leaves the source: disable, then delete after this long (30d); 0 deletes at once; never')
    .option('--deletion-threshold <n|n%|off>', 'stop a cycle that would disable or delete more than this (default 500)')
    .option('--concurrency <n>', 'most requests in flight to the target (default 8)')
    .option('--rate <n>', 'most requests per second to the target; 0 for no limit (default 0)')
    .option('--timeout <seconds>', 'per-request timeout (default 60)')
    .option('--no-adopt', 'never take over target objects this connection did not create')
    .option('--adopt', 'take over matching target objects, as Entra does (default)')
    .option('--schedule <when>', 'how often "scimd serve" runs a cycle: a duration (40min, as Entra; 1h; units s, min, h, d, w), continuous (hub mode) or off (the default: cycles run only when asked, e.g. "scimd sync", until you set a schedule)')
    .option('--wire-format <format>', "how updates are sent: scim (RFC 7644: lowercase ops, real booleans; the default) or entra-legacy (Entra's default wire format: Add/Replace/Remove, \"True\"/\"False\", members removed by value list), to test a server built for Entra")
    .option('--members-per-request <n>', 'most group members added or removed in one request (1-1000; default 100); a batch the target refuses for its size (413, or 400) is halved and the size it takes remembered')
    .option('--full-sync-every <duration>', 'make a scheduled cycle a full reconcile (re-read the target, repair drift) this often: 24h, 7d, or off (the default)')
    .option('--no-groups-sync', 'provision users only')
    .option('--groups-sync', 'provision groups and memberships (default)')
    .option('--json', 'print the connection as JSON');
}

export function registerConnectionCommand(program: Command): void {
  const connection = program
    .command('connection')
    .description('connections of the provisioning engine: a source of people and groups, and a SCIM app to keep in step with it');

  connectionOptions(connection.command('create <name>'), true)
    .description('create a connection; the source is read and mappings and scoping are checked before it is saved')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  scimd connection create acme-app --source file:users.csv --target https://app.example.com/scim/v2 --secret - < token.txt',
        '  scimd connection test acme-app && scimd sync acme-app --dry-run',
        '  scimd connection create corp-app --source ldaps://ldap.example.com/dc=example,dc=com \\',
        '    --bind-dn "cn=reader,ou=services,dc=example,dc=com" --source-secret - --target https://app.example.com/scim/v2 --secret "$TOKEN" < ldap-password.txt',
        '  scimd connection create mirror --source scim+https://idp.example.com/scim/v2 --source-secret - --target … --secret … < upstream-token.txt',
        '  scimd connection create slack --source directory:workforce --target https://api.slack.com/scim/v2 --secret - < slack.txt   # scimd as a hub',
      ].join('\n'),
    )
    .action(async (name: string, options: Options, command: Command) => {
      const opts = await withSecretsFromStdin({ ...command.optsWithGlobals(), ...options });
      const { connection: created, check } = await withConnectionClient(opts, (client) => client.create(name, toInput(opts)));
      if (opts.json) return printJson({ ...created, check });
      process.stdout.write(`Created connection ${created.name} (${created.id})\n${describeCheck(check)}Next: scimd connection test ${created.name}, then scimd sync ${created.name} --dry-run\n`);
    });

  connectionOptions(connection.command('update <name>'), false)
    .description("change a connection's source, target, mappings, scoping or settings; options not given stay as they are")
    .action(async (name: string, options: Options, command: Command) => {
      const opts = await withSecretsFromStdin({ ...command.optsWithGlobals(), ...options });
      const result = await withConnectionClient(opts, async (client) => {
        const before = opts.target === undefined ? undefined : (await client.get(name)).target;
        const updated = await client.update(name, toInput(opts));
        return { ...updated, retargeted: before !== undefined && before !== updated.connection.target };
      });
      if (opts.json) return printJson({ ...result.connection, check: result.check });
      process.stdout.write(`Updated connection ${result.connection.name}\n${describeCheck(result.check)}`);
      if (result.retargeted) {
        process.stdout.write('The target URL changed: links to objects made through the old URL are kept (the same app at a new address).\nIf it is another app, delete this connection and create a new one.\n');
      }
    });

  connection
    .command('list')
    .description('list connections: source, target, credential expiry and the last cycle')
    .option('--json', 'print the list as JSON')
    .action(async (options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const rows = await withConnectionClient(opts, (client) => client.list());
      if (opts.json) return printJson(rows);
      const { describeSource } = await import('../provisioning/sources/source-spec.js');
      printTable(
        ['NAME', 'SOURCE', 'TARGET', 'SECRET EXPIRES', 'LAST CYCLE', 'STATE'],
        rows.map((c) => [
          c.name,
          describeSource(c.source as unknown as SourceSpec),
          c.target,
          c.credential.expiresAt ? shortTime(c.credential.expiresAt) : '-',
          c.lastCycle ? `${shortTime(c.lastCycle.startedAt)} ${c.lastCycle.status}${c.lastCycle.dryRun ? ' (dry run)' : ''}` : 'never',
          c.quarantine ? `quarantined (${c.quarantine.reason})` : 'active',
        ]),
      );
    });

  connection
    .command('show <name>')
    .description('show a connection (never its secret): source, target, mappings, scoping, settings, what it manages and recent cycles')
    .option('--json', 'print the connection as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const details = await withConnectionClient(opts, (client) => client.get(name));
      if (opts.json) return printJson(details);
      const { settings, credential } = details;
      const pairs: [string, string][] = [
        ['id', String(details.id)],
        ['source', JSON.stringify(details.source)],
        ['target', String(details.target)],
        ['credential', `${credential.kind === 'bearer' ? 'secret token' : 'OAuth client credentials'}, ${credential.expiresAt ? `expires ${shortTime(credential.expiresAt)}` : 'expiry unknown'}`],
        ['mappings', details.mappings === 'default' ? 'default (direct for SCIM columns, else Entra\'s)' : 'custom'],
        ['scoping', JSON.stringify(details.scoping)],
        ...Object.entries(settings).map(([k, v]) => [k, String(v)] as [string, string]),
        ['managed', `${count(details.managed.users, 'user')}, ${count(details.managed.groups, 'group')}, ${details.managed.failing} failing`],
        ...operationalState(details),
        ...targetProfileLines(details.targetProfile),
      ];
      const width = Math.max(...pairs.map(([k]) => k.length));
      for (const [k, v] of pairs) process.stdout.write(`${`${k}:`.padEnd(width + 2)}${v}\n`);
      if (details.cycles.length) {
        process.stdout.write('\n');
        printTable(
          ['CYCLE', 'STARTED', 'STATUS', 'CREATED', 'UPDATED', 'DISABLED', 'DELETED', 'UNCHANGED', 'FAILED'],
          details.cycles.map((cy) => [cy.id, shortTime(cy.startedAt), `${cy.status}${cy.dryRun ? ' (dry run)' : ''}`, ...(['created', 'updated', 'disabled', 'deleted', 'unchanged', 'failed'] as const).map((k) => String(cy.summary?.[k] ?? '-'))]),
        );
      }
    });

  connection
    .command('delete <name>')
    .description('delete a connection with its state and log; nothing is removed from the target')
    .option('--json', 'print {id, name} as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const deleted = await withConnectionClient(opts, (client) => client.delete(name));
      if (opts.json) return printJson(deleted);
      process.stdout.write(`Deleted connection ${deleted.name}; the target keeps what was provisioned\n`);
    });

  connection
    .command('test <name>')
    .description('Test Connection: the source (file readable, LDAP reachable, TLS, bind, base DN, searches; SCIM source reachable, secret accepted; hub directory present; a preview read through the mappings), then the target (reachable, TLS, credential accepted, ServiceProviderConfig, user and group probes, secret expiry); exits 1 when a step fails')
    .option('--json', 'print the report as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      // A test that passes also clears a quarantine: the target accepts the credential again.
      const report = await withConnectionClient(opts, (client) => client.test(name));
      if (opts.json) printJson(report);
      else printTestReport(report);
      if (!report.ok) process.exitCode = 1;
    });

  connection
    .command('set-secret <name>')
    .description("replace the target credential (Entra's Update Credentials); without --secret it is read from standard input")
    .option('--secret <secret>', 'the new secret token ("-" or nothing: read from standard input)')
    .option('--secret-expires <when>', 'when it expires: a date, a lifetime (365d) or never')
    .option('--token-url <url>', 'switch to OAuth client credentials: the token endpoint')
    .option('--client-id <id>', 'OAuth client id')
    .option('--client-secret <secret>', 'OAuth client secret ("-" reads standard input)')
    .option('--oauth-scope <scope>', 'OAuth scope to request')
    .option('--json', 'print the connection as JSON')
    .action(async (name: string, options: Options, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as Options;
      if (opts.secret === undefined && opts.clientSecret === undefined) opts.secret = '-';
      const input = await withSecretsFromStdin(opts);
      const record = await withConnectionClient(opts, (client) =>
        client.setSecret(name, { secret: input.secret, secretExpires: input.secretExpires, tokenUrl: input.tokenUrl, clientId: input.clientId, clientSecret: input.clientSecret, oauthScope: input.oauthScope }),
      );
      if (opts.json) return printJson(record);
      process.stdout.write(`Replaced the credential of ${record.name}${record.credential.expiresAt ? `; it expires ${shortTime(record.credential.expiresAt)}` : ''}. Check it: scimd connection test ${record.name}\n`);
    });

  registerConnectionOperations(connection);
}

function toInput(opts: Options): ConnectionInput {
  const input: ConnectionInput = {};
  const keys: (keyof ConnectionInput)[] = ['source', 'groups', 'memberships', 'userKey', 'groupKey', 'target', 'secret', 'secretExpires', 'tokenUrl', 'clientId', 'clientSecret', 'oauthScope', 'mapping', 'scopeUsers', 'scopeGroups', 'concurrency', 'rate', 'timeout', 'deleteAfter', 'deletionThreshold', 'adopt', 'sourceSecret', 'bindDn', 'baseDn', 'userFilter', 'groupFilter', 'sourceKey', 'pageSize', 'schedule', 'wireFormat', 'sourceEncoding', 'membersPerRequest', 'fullSyncEvery'];
  for (const key of keys) if (opts[key] !== undefined) (input as Record<string, unknown>)[key] = opts[key];
  // commander sets defaults for --no-… flags; only pass them when given on the command line.
  if (process.argv.some((a) => a === '--no-adopt' || a === '--adopt')) input.adopt = opts.adopt;
  else delete input.adopt;
  if (process.argv.some((a) => a === '--no-groups-sync' || a === '--groups-sync')) input.syncGroups = opts.groupsSync;
  if (process.argv.some((a) => a === '--no-incremental' || a === '--incremental')) input.incremental = opts.incremental;
  if (process.argv.some((a) => a === '--no-source-starttls' || a === '--source-starttls')) input.sourceStartTls = opts.sourceStarttls;
  // The CA travels as PEM text, so a connection made through a remote admin API works the same.
  if (opts.sourceCaFile !== undefined) input.sourceCa = opts.sourceCaFile === '' ? '' : readPemFile(opts.sourceCaFile);
  return input;
}

function readPemFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--source-ca-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** `--secret -` and `--client-secret -` read the value from standard input, so it stays out of ps and history. */
async function withSecretsFromStdin<T extends Options>(opts: T): Promise<T> {
  for (const key of ['secret', 'clientSecret', 'sourceSecret'] as const) {
    if (opts[key] !== '-') continue;
    if (process.stdin.isTTY) process.stderr.write(`${key === 'secret' ? 'Secret' : 'Client secret'} (then Enter, Ctrl-D): `);
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    opts[key] = text.trim();
    if (!opts[key]) throw new Error('No secret was given on standard input');
  }
  return opts;
}

function describeCheck(check: SourceCheck): string {
  const lines = [
    `Source: ${check.users} users (${check.usersInScope} in scope), ${check.groups} groups (${check.groupsInScope} in scope)`,
    `Users map ${check.userFormat === 'scim' ? 'directly: the source\'s attributes are SCIM attributes' : 'through the mapping (default: Entra\'s; for LDAP sources, the LDAP defaults)'}`,
    ...check.sourceProblems.map((p) => `  warning: ${p}`),
    ...check.mappingProblems.map((p) => `  warning: ${p}`),
  ];
  return `${lines.join('\n')}\n`;
}


function printTestReport(report: TestReport): void {
  const marks = { ok: 'ok  ', warning: 'warn', failed: 'FAIL', skipped: 'skip' };
  const width = Math.max(...report.steps.map((s) => s.step.length));
  for (const side of ['source', 'target'] as const) {
    const steps = report.steps.filter((s) => (s.side ?? 'target') === side);
    if (steps.length === 0) continue;
    process.stdout.write(`Testing the ${side}, ${side === 'source' ? report.source : report.target}\n`);
    for (const step of steps) process.stdout.write(`  ${marks[step.status]}  ${step.step.padEnd(width)}  ${step.detail}\n`);
  }
  process.stdout.write(report.ok ? 'The connection works.\n' : 'The connection does not work; see the failed steps above.\n');
}

/** "1 user", "2 users". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
