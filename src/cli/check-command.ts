import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { PROFILES, type Profile } from '../check/check-types.js';
import { formatJunitReport } from '../check/report-junit.js';
import { formatResultLine, formatTextReport } from '../check/report-text.js';
import { CannotRun, CheckAborted } from '../check/check-failure.js';
import { printJson, printTable } from './output.js';

/** Exit codes: a failed check and "could not judge the server" must be told apart by CI. */
export const CHECK_EXIT = { passed: 0, failed: 1, cannotRun: 2 } as const;

interface CheckOptions {
  token?: string;
  profile: Profile | 'all';
  only?: string;
  json?: boolean;
  junit?: string;
  verbose?: boolean;
  keep?: boolean;
  list?: boolean;
  timeout?: string;
  insecure?: boolean;
}

export function registerCheckCommand(program: Command): void {
  const check = program
    .command('check [scim-base-url]')
    .description('test any SCIM 2.0 server the way Entra ID and Okta call it, and explain every failure')
    .option('--token <secret>', 'the bearer token for the server (prefer env SCIMD_CHECK_TOKEN: arguments show up in ps)')
    .addOption(new Option('--profile <profile>', 'which behaviour to test: the RFCs, Entra ID, Okta, or all').choices([...PROFILES, 'all']).default('all'))
    .option('--only <ids>', 'comma-separated check ids or id prefixes (filter, patch.entra, race.username-unique); overrides --profile')
    .option('--json', 'print the report as one JSON document')
    .option('--junit <file>', 'also write the report as JUnit XML to <file>')
    .option('--verbose', 'show the authority of passing checks too')
    .option('--keep', 'leave the objects the run created (named scimdcheck-<random>-…) for inspection')
    .option('--timeout <seconds>', 'per-request deadline (default 60, Entra\'s)')
    .option('--insecure', 'accept an HTTPS certificate that does not verify (a test server)')
    .option('--list', 'list the catalogue of checks and exit')
    .addHelpText(
      'after',
      [
        '',
        'It reads /ServiceProviderConfig first and skips, with the reason, what the server says it does not support.',
        'Every object it creates is named scimdcheck-<random>-… and deleted at the end, also on Ctrl-C.',
        '',
        'Exit codes: 0 every check passed or was skipped; 1 a check failed; 2 the server could not be checked',
        '(unreachable, token refused, bad arguments); 130/143 interrupted (after cleanup).',
        '',
        'Examples:',
        '  SCIMD_CHECK_TOKEN=… scimd check https://app.example.com/scim/v2',
        '  scimd check http://127.0.0.1:8080/scim/v2 --profile entra --junit check.xml',
        '  scimd check http://127.0.0.1:8080/scim/v2 --only filter,race --verbose',
        '  scimd check --list',
      ].join('\n'),
    )
    .action(async (url: string | undefined, options: CheckOptions) => {
      if (options.list) return listCatalogue(options.json === true);
      const token = options.token ?? process.env.SCIMD_CHECK_TOKEN;
      if (!url) return cannotRun('give the SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2');
      if (!token) return cannotRun('give the token with --token or env SCIMD_CHECK_TOKEN');
      const timeoutSeconds = options.timeout === undefined ? 60 : Number(options.timeout);
      if (!(timeoutSeconds > 0)) return cannotRun('--timeout must be a positive number of seconds');
      await runCommand(url, token, options, timeoutSeconds * 1000);
    });
  // Usage errors are "could not run" (2), not "a check failed" (1); help and version stay 0.
  check.exitOverride((error) => {
    throw error.exitCode === 0 ? error : new CommanderError(CHECK_EXIT.cannotRun, error.code, error.message);
  });
}

async function runCommand(url: string, token: string, options: CheckOptions, timeoutMs: number): Promise<void> {
  let signal: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    // A second signal means "now": leave without cleanup.
    if (signal) process.exit(name === 'SIGINT' ? 130 : 143);
    signal = name;
    process.stderr.write(`scimd check: ${name}: finishing the requests in flight, then deleting what the run created\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { runChecks } = await import('../check/run-checks.js');
    const report = await runChecks({
      baseUrl: url,
      token,
      profile: options.profile,
      only: options.only ? options.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      keep: options.keep,
      interrupted: () => signal !== undefined,
      timeoutMs,
      rejectUnauthorized: options.insecure ? false : undefined,
      onResult: options.json || !process.stderr.isTTY ? undefined : (result) => process.stderr.write(`${formatResultLine(result)}\n`),
    });
    if (options.junit) writeFileSync(options.junit, formatJunitReport(report));
    if (options.json) printJson(report);
    else process.stdout.write(formatTextReport(report, options.verbose));
    if (signal) {
      process.stderr.write('scimd check: interrupted; the report above is partial\n');
      process.exitCode = signal === 'SIGINT' ? 130 : 143;
    } else process.exitCode = report.summary.fail > 0 ? CHECK_EXIT.failed : CHECK_EXIT.passed;
  } catch (error) {
    if (error instanceof CannotRun) return cannotRun(error.message);
    // Interrupted before the first check (during discovery): nothing was created.
    if (error instanceof CheckAborted) {
      process.exitCode = signal === 'SIGTERM' ? 143 : 130;
      return;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function cannotRun(message: string): void {
  process.stderr.write(`scimd check: ${message}\n`);
  process.exitCode = CHECK_EXIT.cannotRun;
}

async function listCatalogue(json: boolean): Promise<void> {
  const { CATALOGUE } = await import('../check/catalogue.js');
  if (json) return printJson(CATALOGUE.map(({ id, title, area, profiles, authority, sends, expects }) => ({ id, title, area, profiles, authority, sends, expects })));
  printTable(
    ['ID', 'PROFILES', 'AUTHORITY'],
    CATALOGUE.map((c) => [c.id, c.profiles.join(','), c.authority]),
  );
}
