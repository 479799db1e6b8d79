/**
 * `npm run compat`: runs `scimd check` (every profile) against scimd on SQLite and against each
 * peer SCIM server of bench/peers (installed from npm into the ignored bench/.peers), and writes
 * docs/compatibility-matrix.md with the verdicts side by side. Where a peer fails a check, the
 * document quotes the check's authority and the peer's own answer, so the reader can judge.
 *
 * It then provisions into scimd and each peer with scimd's own engine and reads each app's state
 * back (bench/engine-matrix.ts), and adds that table to the document.
 *
 *   npm run compat                      every peer
 *   npm run compat -- scimmy jackson    some of them
 *   npm run compat -- --no-engine       the checker only
 *   npm run compat -- --small=scimmy    the engine's 10,000-user phases skipped for those peers
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from '../src/check/catalogue.js';
import { AREAS, type CheckReport, type CheckResult } from '../src/check/check-types.js';
import { runChecks } from '../src/check/run-checks.js';
import { renderEngineMatrix, runEngineMatrix, type PhaseResult } from './engine-matrix.js';
import { isPeerName, PEERS, STANDALONE_PEERS, startPeer, type PeerName } from './peers/index.js';
import { createDatabase, createDirectory, startScimd } from './scimd-server.js';

const OUTPUT = fileURLToPath(new URL('../../docs/compatibility-matrix.md', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Column {
  label: string;
  report?: CheckReport;
  /** Why the checker could not run against it at all. */
  error?: string;
}

async function checkScimd(): Promise<Column> {
  const database = await createDatabase('sqlite', '');
  try {
    const { secret } = await createDirectory(database.url, 'compat');
    const server = await startScimd(database.url, secret);
    try {
      const baseUrl = `http://127.0.0.1:${server.endpoint.port}${server.base}`;
      log(`checking scimd (SQLite) at ${baseUrl}`);
      return { label: 'scimd (SQLite)', report: await runChecks({ baseUrl, token: secret, profile: 'all', timeoutMs: 30_000 }) };
    } finally {
      await server.process.stop();
    }
  } finally {
    await database.drop();
  }
}

async function checkPeer(name: PeerName): Promise<Column> {
  const info = PEERS.find((p) => p.name === name)!;
  let peer;
  try {
    peer = await startPeer(name, { log });
  } catch (error) {
    return { label: info.label, error: `did not start: ${(error as Error).message.split('\n')[0]}` };
  }
  try {
    log(`checking ${peer.label} at ${peer.baseUrl}`);
    return { label: peer.label, report: await runChecks({ baseUrl: peer.baseUrl, token: peer.token || 'no-token-needed', profile: 'all', timeoutMs: 30_000 }) };
  } catch (error) {
    return { label: peer.label, error: (error as Error).message };
  } finally {
    await peer.stop();
  }
}

const MARK = { pass: '✅', fail: '❌', skip: '➖' } as const;

/**
 * How to read a failure: the rule behind the check in a sentence, so the verdict can be judged
 * without the RFC at hand. Checks that follow an IdP's documented behaviour rather than an RFC
 * say so.
 */
const READING: Record<string, string> = {
  'auth.no-token': 'RFC 7644 §3.12 makes `status` REQUIRED in every error body, as a JSON string; Okta\'s SPEC test asserts `status` "401" (step 11).',
  'auth.bad-token': 'As above: an error body without `status` is not an RFC 7644 §3.12 error.',
  'users.get.not-found': 'RFC 7644 §3.12: `status` is REQUIRED; Okta\'s SPEC test asserts `status` "404" (step 12).',
  'users.create.duplicate': 'RFC 7644 §3.3: a duplicate is 409 with scimType `uniqueness`; §3.12 requires `status` in the error body.',
  'discovery.service-provider-config': 'RFC 7644 §4 defines /ServiceProviderConfig, /ResourceTypes and /Schemas as the discovery endpoints; Entra\'s gallery checklist requires them. Without them a client cannot know what the server supports, which is why the checker then skips every optional feature.',
  'discovery.resource-types': 'RFC 7644 §4 (see above).',
  'discovery.schemas': 'RFC 7644 §4 (see above).',
  'discovery.max-results': 'RFC 7644 §3.4.2.4: count "0" means no resources are returned, only totalResults.',
  'users.create.location': 'RFC 7644 §3.3: the URI of the created resource is returned in the Location header and in meta.location.',
  'users.delete': 'RFC 7644 §3.6: a successful DELETE answers 204 No Content.',
  'groups.delete': 'RFC 7644 §3.6: a successful DELETE answers 204 No Content.',
  'groups.create': 'RFC 7644 §3.3: the server creates the resource as sent; members given on POST belong to the group (peers.md records Jackson returning `members: []`).',
  'groups.exclude-members': 'RFC 7644 §3.4.2.5: excludedAttributes removes the named attributes from the answer; Entra relies on it for groups (idp-behaviour §1.3 item 7).',
  'filter.eq.username': 'RFC 7644 §3.4.2.2; Okta\'s existence check is exactly `filter=userName eq "…"&startIndex=1&count=100` (idp-behaviour §2.1), and the checker pages the same way, so a server must apply the filter whatever paging parameters come with it. By hand, Jackson finds the user for the bare filter and returns nothing once `startIndex` and `count` are added.',
  'filter.eq.username-case-insensitive': 'RFC 7643 §4.1.1 and the User schema give userName caseExact false, and RFC 7644 §3.4.2.2 compares such attributes case-insensitively; Okta\'s SPEC test sends the upper-cased userName (step 9).',
  'filter.enterprise': 'RFC 7644 §3.4.2.2 allows fully qualified (URN-prefixed) attribute names in filters.',
  'patch.entra.add-value-path-creates-element': 'Not an RFC rule but Entra\'s documented behaviour: it sends Add/Replace on a value path with no matching element and expects the element to be created (idp-behaviour §1.5). A server that answers noTarget is RFC-faithful and Entra-incompatible.',
  'patch.entra.manager-plain-id': 'Entra\'s documented wire behaviour (idp-behaviour §1.4 U9): the manager arrives as a plain id string. RFC-strict servers refuse it; Entra-compatible ones store {"value": id}.',
  'patch.entra.string-booleans': 'Entra\'s default wire format sends `"False"`/`"True"` for `active` (idp-behaviour §1.5, MS-COMPAT); RFC 7643 §2.3.2 makes `active` a boolean, so a server that stores the string hands clients a value of the wrong type.',
  'patch.entra.manager-forms': 'Entra\'s documented tutorial shape (idp-behaviour §1.4 U9): `path: "manager"` unqualified with a `[{"$ref","value"}]` array, and removal by an empty string (Microsoft\'s validator, §1.7). RFC 7644 §3.10 prefers the URN-qualified name for an extension attribute, so a strict server is RFC-faithful and Entra-incompatible here.',
  'patch.okta.password-sync': 'RFC 7643 §4.1.1 defines password as writeOnly and returned "never"; Okta pushes password changes with a pathless replace (idp-behaviour §2.1). A server that declares password in /Schemas must accept the write and never echo it.',
  'projection.attributes': 'RFC 7644 §3.4.2.5: attributes overrides the default set of returned attributes.',
  'projection.excluded-attributes': 'RFC 7644 §3.4.2.5: excludedAttributes removes attributes from the default set.',
  'race.username-unique': 'RFC 7644 §3.3 and §3.12: a uniqueness conflict is 409 with scimType `uniqueness`, which is what a client needs to tell "exists" from other conflicts.',
};

function cell(column: Column, id: string): string {
  if (!column.report) return '·';
  const result = column.report.results.find((r) => r.id === id);
  return result ? MARK[result.verdict] : '·';
}

/** One line of evidence: the first request and the start of its answer. */
function evidence(result: CheckResult): string {
  const exchange = result.evidence?.[0];
  const first = (result.message ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);
  if (!exchange) return first;
  const excerpt = exchange.excerpt.replace(/\s+/g, ' ').slice(0, 160).replace(/`/g, "'");
  return `${first}<br>\`${exchange.request.method} ${exchange.request.url.slice(0, 120).replace(/`/g, "'")}\` → ${exchange.status} \`${excerpt}\``;
}

/** The engine matrix against scimd on a fresh SQLite database. */
async function engineOnScimd(): Promise<{ label: string; results: PhaseResult[] }> {
  const database = await createDatabase('sqlite', '');
  try {
    const { secret } = await createDirectory(database.url, 'engine-matrix');
    const server = await startScimd(database.url, secret);
    try {
      const label = 'scimd (SQLite)';
      log(`provisioning into ${label}`);
      return { label, results: await runEngineMatrix({ label, baseUrl: `http://127.0.0.1:${server.endpoint.port}${server.base}`, token: secret }, log) };
    } finally {
      await server.process.stop();
    }
  } finally {
    await database.drop();
  }
}

/** The engine matrix against a peer started empty for it; `small` skips the 10,000-user phases. */
async function engineOnPeer(name: PeerName, small: boolean): Promise<{ label: string; results: PhaseResult[] }> {
  const info = PEERS.find((p) => p.name === name)!;
  let peer;
  try {
    peer = await startPeer(name, { log });
  } catch (error) {
    return { label: info.label, results: [{ phase: 'start', seconds: 0, requests: 0, status: 'error', differences: [`did not start: ${(error as Error).message.split('\n')[0]}`], membersHidden: false, expected: { users: 0, groups: 0, memberships: 0 } }] };
  }
  try {
    log(`provisioning into ${peer.label}`);
    return { label: peer.label, results: await runEngineMatrix({ label: peer.label, baseUrl: peer.baseUrl, token: peer.token || 'no-token-needed', ...(peer.membersOf ? { membersOf: peer.membersOf } : {}) }, log, { small }) };
  } finally {
    await peer.stop();
  }
}

function render(columns: Column[], engine: { label: string; results: PhaseResult[] }[]): string {
  const lines: string[] = [
    '# Compatibility matrix',
    '',
    `Generated by \`npm run compat\` (bench/compatibility.ts) on ${new Date().toISOString().slice(0, 10)}: \`scimd check --profile all\` against scimd and the peer SCIM servers of bench/peers, each installed from npm at a pinned version and started with empty in-memory (or fresh SQLite) state. See [check.md](check.md) for what each check sends and expects.`,
    '',
    `${MARK.pass} passed · ${MARK.fail} failed · ${MARK.skip} skipped (reasons below): the feature is not advertised in /ServiceProviderConfig, the attribute is not declared in /Schemas, or a standards-only filter was declined with 400 invalidFilter as RFC 7644 §3.12 allows · \`·\` not run`,
    '',
    '| | ' + columns.map((c) => c.label).join(' | ') + ' |',
    '|---|' + columns.map(() => '---').join('|') + '|',
    '| **passed / failed / skipped** | ' + columns.map((c) => (c.report ? `${c.report.summary.pass} / ${c.report.summary.fail} / ${c.report.summary.skip}` : `could not run: ${c.error}`)).join(' | ') + ' |',
  ];
  for (const area of AREAS) {
    const checks = CATALOGUE.filter((c) => c.area === area);
    lines.push(`| *${area}* |${columns.map(() => ' ').join('|')}|`);
    for (const check of checks) lines.push(`| \`${check.id}\` | ${columns.map((c) => cell(c, check.id)).join(' | ')} |`);
  }
  if (engine.length) lines.push('', ...renderEngineMatrix(engine));
  lines.push('', '## Failures, and why the check is right', '');
  lines.push("Each failed check with its authority (the RFC section or the documented Entra / Okta behaviour from the project's IdP research) and what the server answered. A peer's failure is a finding only as far as the authority goes: where a check follows an IdP's documented quirk rather than an RFC MUST, the text says so.");
  lines.push('');
  const failing = CATALOGUE.filter((check) => columns.some((c) => c.report?.results.some((r) => r.id === check.id && r.verdict === 'fail')));
  if (failing.length === 0) lines.push('No server failed a check.');
  for (const check of failing) {
    lines.push(`### \`${check.id}\` — ${check.title}`, '', `*Authority:* ${check.authority}. *Sends:* ${check.sends}. *Expects:* ${check.expects}.`, '');
    if (READING[check.id]) lines.push(`*Why this verdict:* ${READING[check.id]}`, '');
    for (const column of columns) {
      const result = column.report?.results.find((r) => r.id === check.id && r.verdict === 'fail');
      if (result) lines.push(`- **${column.label}**: ${evidence(result)}`);
    }
    lines.push('');
  }
  lines.push('## Skipped checks', '');
  for (const column of columns) {
    const reasons = new Map<string, string[]>();
    for (const r of column.report?.results ?? []) if (r.verdict === 'skip') reasons.set(r.message ?? '', [...(reasons.get(r.message ?? '') ?? []), r.id]);
    if (reasons.size === 0) continue;
    lines.push(`**${column.label}**`, '');
    for (const [reason, ids] of reasons) lines.push(`- ${reason.replace(/scimdcheck-[0-9a-f]{8}-/g, '<prefix>')}: ${ids.map((id) => `\`${id}\``).join(', ')}`);
    lines.push('');
  }
  lines.push('## Notes on the peers', '');
  lines.push('- The peers run in the wrappers of bench/peers (our code): SCIMMY leaves storage and authentication to its host, so its column measures SCIMMY and scimmy-routers with a minimal in-memory adapter and the wrapper\'s bearer check; Jackson runs its directory-sync API with its `mem` engine; better-auth runs its SCIM plugin on SQLite.');
  lines.push('- Skips are not failures: the checker reads each server\'s /ServiceProviderConfig first and does not test what a server says it does not support. A server without that document (Jackson) is assumed to filter and PATCH, since Entra and Okta send both regardless, and nothing optional.');
  lines.push('- A failure early in a check hides what follows it: one wrong answer is reported, not every consequence.');
  lines.push('- Jackson answers every group with `members: []` (as peers.md records), so each membership check fails when it reads the group back; whether Jackson stored the members cannot be seen through SCIM (the engine table above reads them through Jackson\'s own directory-sync API instead). Its filters also returned nothing, by hand, once `startIndex`/`count` accompanied a `userName eq` filter that works alone (the checker always pages), so most of its filter checks fail together; `sw` answers 500.');
  return `${lines.join('\n')}\n`;
}

const withEngine = !process.argv.includes('--no-engine');
const small = new Set(process.argv.filter((a) => a.startsWith('--small=')).flatMap((a) => a.slice('--small='.length).split(',')));
const requested = process.argv.slice(2).filter((a) => a !== '--no-engine' && !a.startsWith('--small='));
for (const name of small) if (!isPeerName(name)) throw new Error(`unknown peer ${name} in --small: one of ${PEERS.map((p) => p.name).join(', ')}`);
for (const name of requested) if (!isPeerName(name)) throw new Error(`unknown peer ${name}: one of ${PEERS.map((p) => p.name).join(', ')}`);
const names = (requested.length ? requested : STANDALONE_PEERS.map((p) => p.name)) as PeerName[];
const columns: Column[] = [await checkScimd()];
for (const name of names) columns.push(await checkPeer(name));
const engine = withEngine ? [await engineOnScimd()] : [];
if (withEngine) for (const name of names) engine.push(await engineOnPeer(name, small.has(name)));
writeFileSync(OUTPUT, render(columns, engine));
for (const column of columns) log(`${column.label}: ${column.report ? `${column.report.summary.pass} passed, ${column.report.summary.fail} failed, ${column.report.summary.skip} skipped` : column.error}`);
log(`wrote ${OUTPUT}`);
