import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encryptor } from '../src/auth/encryption.js';
import { newConnection } from '../src/provisioning/connections/connection-input.js';
import { probeGroups } from '../src/provisioning/connections/group-probe.js';
import { decryptCredential, targetClient } from '../src/provisioning/connections/target-client.js';
import { runCycle, type CycleReport } from '../src/provisioning/engine/run-cycle.js';
import { openConnectionStore } from '../src/provisioning/store/open-connection-store.js';

/**
 * The provisioning engine against one SCIM app, the way an admin would judge it: provision a
 * source, then read the app's real state back over SCIM (memberships through the app's own API
 * where its SCIM answers hide them) and compare it with the source. Phases:
 * a first cycle (300 users; groups of 250, 120 and 10 members), a delta (20 members move, 20 users
 * leave), a no-op cycle, growth to 10,000 users and 100 more groups, and a full reconcile. After
 * the first cycle, Test Connection's group probe tells the connection how the app treats members.
 */
export interface MatrixTarget {
  label: string;
  baseUrl: string;
  token: string;
  /** A group's member ids through the app's own API, for an app whose SCIM answers hide members (Jackson). */
  membersOf?: (groupId: string) => Promise<string[]>;
}

export interface PhaseResult {
  phase: string;
  seconds: number;
  requests: number;
  status: string;
  /** Differences between the source and what the app answers; empty when it holds exactly the source. */
  differences: string[];
  /** Said when the app does not show group members, so memberships could not be read back. */
  membersHidden: boolean;
  /** Memberships were read through the app's own API, not SCIM. */
  membersThroughOwnApi?: boolean;
  /** How the state had to be read, where the app's paging could not be walked. */
  note?: string;
  /** Why the phase was not run. */
  notRun?: string;
  expected: { users: number; groups: number; memberships: number };
}

interface SourceState {
  /** User index → in source. */
  users: number[];
  /** Group key → member user indexes. */
  groups: Map<string, number[]>;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const userName = (i: number) => `user${i}@matrix.example`;

function firstState(): SourceState {
  return {
    users: range(0, 300),
    groups: new Map([
      ['g0', range(0, 250)],
      ['g1', range(100, 220)],
      ['g2', range(290, 300)],
    ]),
  };
}

/** 20 members move from the big group to the small one; users 280–299 leave the source. */
function deltaState(): SourceState {
  const leaving = new Set(range(280, 300));
  const state = firstState();
  const moving = range(0, 20);
  state.users = state.users.filter((i) => !leaving.has(i));
  state.groups.set('g0', state.groups.get('g0')!.filter((i) => !moving.includes(i)));
  state.groups.set('g2', [...state.groups.get('g2')!, ...moving]);
  for (const [key, members] of state.groups) state.groups.set(key, members.filter((i) => !leaving.has(i)));
  return state;
}

/** 10,000 users (the departed stay gone) and 100 more groups of about 100 each. */
function grownState(): SourceState {
  const state = deltaState();
  const departed = new Set(range(280, 300));
  state.users = range(0, 10_000).filter((i) => !departed.has(i));
  for (let g = 3; g < 103; g++) state.groups.set(`g${g}`, state.users.filter((i) => i % 100 === g - 3));
  return state;
}

function writeSource(dir: string, state: SourceState): void {
  const users = ['userName,externalId,name.givenName,name.familyName,"emails[type eq ""work""].value",active'];
  for (const i of state.users) users.push(`${userName(i)},e${i},Given${i},Family${i},${userName(i)},true`);
  writeFileSync(join(dir, 'users.csv'), users.join('\n') + '\n');
  writeFileSync(join(dir, 'groups.csv'), ['displayName,externalId', ...[...state.groups.keys()].map((k) => `Matrix ${k},${k}`)].join('\n') + '\n');
  const memberships = ['group,member'];
  for (const [key, members] of state.groups) for (const i of members) memberships.push(`${key},e${i}`);
  writeFileSync(join(dir, 'memberships.csv'), memberships.join('\n') + '\n');
}

async function getJson(target: MatrixTarget, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${target.baseUrl}${path}`, { headers: { authorization: `Bearer ${target.token}`, accept: 'application/scim+json' } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Every resource of a type, paged until a page is empty or brings nothing new. totalResults is
 * only a hint (Jackson answers the page's length). A page of nothing new past the reported total,
 * from an app that never sent more than the count asked, is the end (SCIMMY answers its first page
 * again past the end); anywhere else it means the app's paging repeats itself (Jackson's Groups,
 * 50 whatever count says), and `complete` is false.
 */
async function listAll(target: MatrixTarget, resource: 'Users' | 'Groups'): Promise<{ resources: Record<string, unknown>[]; complete: boolean }> {
  const byId = new Map<string, Record<string, unknown>>();
  // Few groups, so a small count shows an app that ignores it; users in big pages, since some apps pay per request for the whole directory (SCIMMY).
  const count = resource === 'Users' ? 1000 : 20;
  let reported = Infinity;
  let honoursCount = true;
  // The next page starts after what this one returned: an app may answer fewer than asked (better-auth gives at most 100).
  for (let start = 1, resources: Record<string, unknown>[] = []; ; start += resources.length) {
    const page = await getJson(target, `/${resource}?startIndex=${start}&count=${count}`);
    resources = (page.Resources as Record<string, unknown>[] | undefined) ?? [];
    if (typeof page.totalResults === 'number') reported = page.totalResults;
    if (resources.length > count) honoursCount = false;
    if (resources.length === 0) return { resources: [...byId.values()], complete: true };
    const before = byId.size;
    for (const r of resources) byId.set(String(r.id), r);
    if (byId.size === before) return { resources: [...byId.values()], complete: honoursCount && start > reported && byId.size >= reported };
  }
}

/** One resource by an exact filter without paging parameters, for apps whose paging cannot be walked. */
async function findOne(target: MatrixTarget, resource: 'Users' | 'Groups', attribute: string, value: string): Promise<Record<string, unknown> | undefined> {
  const page = await getJson(target, `/${resource}?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`);
  return ((page.Resources as Record<string, unknown>[] | undefined) ?? [])[0];
}

/** The users and groups the comparison needs: by paging, or one lookup each where paging repeats itself. */
async function readBack(target: MatrixTarget, userNames: string[], groupNames: string[]): Promise<{ users: Record<string, unknown>[]; groups: Record<string, unknown>[]; note?: string }> {
  const users = await listAll(target, 'Users');
  const groups = await listAll(target, 'Groups');
  if (users.complete && groups.complete) return { users: users.resources, groups: groups.resources };
  const found = async (resource: 'Users' | 'Groups', attribute: string, values: string[]) => {
    const out: Record<string, unknown>[] = [];
    for (const value of values) {
      const r = await findOne(target, resource, attribute, value);
      if (r) out.push(r);
    }
    return out;
  };
  return {
    users: users.complete ? users.resources : await found('Users', 'userName', userNames),
    groups: groups.complete ? groups.resources : await found('Groups', 'displayName', groupNames),
    note: `the app's ${[users.complete ? '' : 'Users', groups.complete ? '' : 'Groups'].filter(Boolean).join(' and ')} list repeats a page whatever startIndex says, so each of those was looked up by a filter`,
  };
}

/** What the app holds, compared with the source: users present with the right active flag, groups with their members. */
async function compare(target: MatrixTarget, state: SourceState, leftUsers: number[]): Promise<{ differences: string[]; membersHidden: boolean; membersThroughOwnApi: boolean; note?: string }> {
  const differences: string[] = [];
  const read = await readBack(target, [...state.users, ...leftUsers].map(userName), [...state.groups.keys()].map((k) => `Matrix ${k}`));
  const users = read.users;
  const byName = new Map(users.map((u) => [String(u.userName).toLowerCase(), u]));
  const nameById = new Map(users.map((u) => [String(u.id), String(u.userName).toLowerCase()]));
  const missing = state.users.filter((i) => !byName.has(userName(i)));
  if (missing.length) differences.push(`${missing.length} users missing (e.g. ${userName(missing[0])})`);
  const inactive = state.users.filter((i) => byName.get(userName(i))?.active === false);
  if (inactive.length) differences.push(`${inactive.length} source users inactive in the app`);
  const stillActive = leftUsers.filter((i) => byName.has(userName(i)) && byName.get(userName(i))!.active !== false);
  if (stillActive.length) differences.push(`${stillActive.length} departed users still active`);

  const groups = read.groups;
  const groupByName = new Map(groups.map((g) => [String(g.displayName), g]));
  const missingGroups: string[] = [];
  let shownMembers = 0;
  let expectedMembers = 0;
  const memberDiffs: string[] = [];
  for (const [key, members] of state.groups) {
    expectedMembers += members.length;
    const group = groupByName.get(`Matrix ${key}`);
    if (!group) {
      missingGroups.push(`Matrix ${key}`);
      continue;
    }
    const ids = target.membersOf ? await target.membersOf(String(group.id)) : ((group.members as { value: string }[] | undefined) ?? []).map((m) => m.value);
    const shown = new Set(ids.map((id) => nameById.get(id) ?? `?${id}`));
    shownMembers += shown.size;
    const wanted = new Set(members.map(userName));
    const absent = [...wanted].filter((n) => !shown.has(n)).length;
    const extra = [...shown].filter((n) => !wanted.has(n)).length;
    if (absent || extra) memberDiffs.push(`Matrix ${key}: ${absent} members missing, ${extra} extra`);
  }
  if (missingGroups.length) differences.push(`${missingGroups.length} groups missing (e.g. ${missingGroups[0]})`);
  const membersHidden = !target.membersOf && shownMembers === 0 && expectedMembers > 0;
  if (!membersHidden && memberDiffs.length) differences.push(`${memberDiffs.length} groups with other members (e.g. ${memberDiffs[0]})`);
  return { differences, membersHidden, membersThroughOwnApi: target.membersOf !== undefined, ...(read.note ? { note: read.note } : {}) };
}

function expectedCounts(state: SourceState) {
  return { users: state.users.length, groups: state.groups.size, memberships: [...state.groups.values()].reduce((n, m) => n + m.length, 0) };
}

/**
 * Runs every phase against one app; the app must be empty at the start. `small` runs the first,
 * delta and no-op cycles only, for an app too slow at 10,000 users for the time at hand.
 */
export async function runEngineMatrix(target: MatrixTarget, log: (line: string) => void, options: { small?: boolean } = {}): Promise<PhaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-matrix-'));
  const store = await openConnectionStore(join(dir, 'engine.db'));
  const encryptor = new Encryptor(randomBytes(32));
  const results: PhaseResult[] = [];
  try {
    const record = newConnection(
      'matrix',
      { source: `file:${dir}/users.csv`, groups: join(dir, 'groups.csv'), memberships: join(dir, 'memberships.csv'), target: target.baseUrl, secret: target.token, concurrency: '8', deletionThreshold: 'off' },
      encryptor,
      new Date(),
    );
    await store.createConnection(record);
    const phase = async (name: string, state: SourceState, full = false) => {
      writeSource(dir, state);
      const started = Date.now();
      const report: CycleReport = await runCycle({ store, connection: (await store.findConnection('matrix'))!, credential: decryptCredential(record, encryptor), full });
      const seconds = (Date.now() - started) / 1000;
      const left = range(0, 300).filter((i) => !state.users.includes(i) && i >= 280);
      const { differences, membersHidden, membersThroughOwnApi, note } = await compare(target, state, left);
      const result: PhaseResult = { phase: name, seconds, requests: report.summary.requests, status: report.cycle.status, differences, membersHidden, membersThroughOwnApi, ...(note ? { note } : {}), expected: expectedCounts(state) };
      log(`  ${target.label} ${name}: ${report.cycle.status}, ${report.summary.requests} requests, ${seconds.toFixed(1)} s, ${differences.length ? differences.join('; ') : 'exact'}${membersHidden ? ' (members hidden on GET)' : ''}`);
      results.push(result);
    };
    await phase('first', firstState());
    // As an admin would once users are there: Test Connection's group probe, so cycles know how the app treats members.
    const probing = targetClient(record, decryptCredential(record, encryptor));
    try {
      const probe = await probeGroups(probing.client, 100, new Date());
      await store.setTargetProfile(record.id, probe.profile);
      log(`  ${target.label} group probe: ${probe.detail}`);
    } finally {
      probing.close();
    }
    await phase('delta', deltaState());
    await phase('no-op', deltaState());
    if (options.small) {
      const notRun = 'not run this time (`npm run compat -- --small`)';
      for (const name of ['10,000 users', 'full reconcile']) results.push({ phase: name, seconds: 0, requests: 0, status: 'not run', differences: [], membersHidden: false, notRun, expected: expectedCounts(grownState()) });
      return results;
    }
    await phase('10,000 users', grownState());
    await phase('full reconcile', grownState(), true);
    return results;
  } catch (error) {
    log(`  ${target.label}: stopped: ${(error as Error).message}`);
    results.push({ phase: 'error', seconds: 0, requests: 0, status: 'error', differences: [(error as Error).message.split('\n')[0]], membersHidden: false, expected: { users: 0, groups: 0, memberships: 0 } });
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a markdown table, one row per app and phase. */
export function renderEngineMatrix(columns: { label: string; results: PhaseResult[] }[]): string[] {
  const lines = [
    '## The provisioning engine against each app',
    '',
    "`npm run compat` also provisions into scimd and every peer with scimd's own engine (bench/engine-matrix.ts), then reads each app's real state back over SCIM (every user and group, paged) and compares it with the source: users present and active, departed users inactive, each group's members. Jackson's SCIM GET of a group always answers `members: []`, so its memberships are read through its own directory-sync API (`groups.getGroupMembers`, served as its hosted `GET /api/v1/dsync/groups/{id}/members`), which shows what it stores. Phases: a first cycle (300 users; groups of 250, 120 and 10 members), after which Test Connection's group probe records how the app treats members (as an admin testing again once users exist would), a delta (20 members move between groups, 20 users leave the source), a no-op cycle, growth to 10,000 users and 100 more groups, and a full reconcile (`scimd sync --full`). Requests are the engine's own count.",
    '',
    '| app | phase | users / groups / memberships in the source | result | requests | time |',
    '|---|---|---|---|---:|---:|',
  ];
  for (const column of columns) {
    for (const r of column.results) {
      if (r.notRun) {
        lines.push(`| ${column.label} | ${r.phase} | ${r.expected.users} / ${r.expected.groups} / ${r.expected.memberships} | ➖ ${r.notRun} | | |`);
        continue;
      }
      const verdict = r.status !== 'completed' && r.status !== 'error' ? `cycle ${r.status}` : r.differences.length ? `❌ ${r.differences.join('; ')}` : r.membersHidden ? '✅ users and groups exact; members not shown by the app on GET, so memberships could not be read back' : '✅ exact';
      const notes = [r.membersThroughOwnApi ? "memberships read through the app's own directory-sync API, not SCIM" : '', r.note ?? ''].filter(Boolean);
      const how = notes.length ? ` (${notes.join('; ')})` : '';
      lines.push(`| ${column.label} | ${r.phase} | ${r.expected.users} / ${r.expected.groups} / ${r.expected.memberships} | ${verdict}${how} | ${r.requests} | ${r.seconds.toFixed(1)} s |`);
    }
  }
  lines.push('');
  return lines;
}
