import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupModel, userModel } from '../../scim/schema/resource-models.js';
import type { ScimObject } from '../client/scim-client.js';
import { buildPlan, lookupCandidates, stateKey, type PlanSettings } from './build-plan.js';
import { desiredGroup, desiredUser, type DesiredObject } from './desired-state.js';
import { newState, type ObjectState } from './object-state.js';
import type { Plan } from './plan.js';
import { buildResourceConfig } from './resource-config.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const NOW = new Date('2026-06-01T00:00:00Z');
const USER_COLUMNS = ['userName', 'externalId', 'title', 'active', 'manager', 'department'];
const userConfig = buildResourceConfig({ model: userModel, format: 'scim', attributes: USER_COLUMNS, records: [], custom: undefined, defaults: [], scoping: 'department ne "Contractors"', label: 'user' });
const groupConfig = buildResourceConfig({ model: groupModel, format: 'scim', attributes: ['displayName', 'externalId'], records: [], custom: undefined, defaults: [], scoping: undefined, label: 'group' });

type Attrs = Record<string, string>;
function users(...rows: [string, Attrs][]): DesiredObject[] {
  const keys = new Set(rows.map(([k]) => k));
  return rows.map(([key, attrs]) => desiredUser({ key, attributes: { userName: `${key}@x`, externalId: key, ...attrs }, origin: key }, userConfig, NOW, (ref) => (keys.has(ref) ? ref : undefined)));
}
function groups(...rows: [string, string[], Attrs?][]): DesiredObject[] {
  return rows.map(([key, members, attrs]) => desiredGroup({ key, attributes: { displayName: key.toUpperCase(), externalId: key, ...attrs }, members, origin: key }, groupConfig, NOW));
}
function linked(type: 'User' | 'Group', key: string, sent: Record<string, unknown>, extra: Partial<ObjectState> = {}): ObjectState {
  return { ...newState(type, key), targetId: `t-${key}`, ownership: 'created', sent: sent as ObjectState['sent'], ...extra };
}
const sentUser = (key: string, extra: Record<string, unknown> = {}) => ({ userName: `${key}@x`, externalId: key, active: true, ...extra });

interface Scenario {
  users?: DesiredObject[];
  groups?: DesiredObject[];
  states?: ObjectState[];
  memberships?: Record<string, string[]>;
  matches?: Record<string, ScimObject | null>;
  settings?: Partial<PlanSettings>;
}
function plan(s: Scenario): Plan {
  const states = new Map((s.states ?? []).map((st) => [stateKey(st.type, st.key), st]));
  const matches = new Map<string, ScimObject | null>();
  for (const d of [...lookupCandidates(s.users ?? [], states), ...lookupCandidates(s.groups ?? [], states)]) matches.set(stateKey(d.type, d.key), null);
  for (const [k, v] of Object.entries(s.matches ?? {})) matches.set(k, v);
  return buildPlan({
    users: s.users ?? [],
    groups: s.groups ?? [],
    userConfig,
    groupConfig,
    states,
    memberships: new Map(Object.entries(s.memberships ?? {}).map(([g, m]) => [g, new Set(m)])),
    matches,
    settings: { deleteAfterMs: 30 * 86_400_000, adopt: true, groups: true, ...s.settings },
    now: NOW,
  });
}

describe('planning a cycle', () => {
  it('creates a new user that nothing on the target matches, with active true', () => {
    const p = plan({ users: users(['a', { title: 'Rep' }]) });
    assert.deepEqual(p.steps, [{ action: 'create', type: 'User', key: 'a', attributes: { userName: 'a@x', externalId: 'a', title: 'Rep', active: true } }]);
    assert.equal(p.unchanged, 0);
  });

  it('adopts a matching target user, sending only the attributes that differ', () => {
    const found = { id: 'T1', userName: 'A@X', externalId: 'a', title: 'Old', active: true, nickName: 'not managed' };
    const p = plan({ users: users(['a', { title: 'Rep' }]), matches: { 'User:a': found } });
    assert.deepEqual(p.steps, [
      { action: 'adopt', type: 'User', key: 'a', targetId: 'T1', ownership: 'adopted', changes: [{ path: 'userName', from: 'A@X', to: 'a@x' }, { path: 'title', from: 'Old', to: 'Rep' }] },
    ]);
  });

  it('recognises a user an interrupted cycle created as its own', () => {
    const p = plan({ users: users(['a', {}]), states: [{ ...newState('User', 'a'), phase: 'creating' }], matches: { 'User:a': { id: 'T1', userName: 'a@x', externalId: 'a', active: true } } });
    assert.deepEqual(p.steps, [{ action: 'adopt', type: 'User', key: 'a', targetId: 'T1', ownership: 'created', changes: [] }]);
  });

  it('refuses to link one target object to two source objects', () => {
    const found = { id: 'T1', userName: 'x@x', externalId: 'a' };
    const p = plan({ users: users(['a', {}], ['b', {}]), matches: { 'User:a': found, 'User:b': found } });
    assert.deepEqual(p.steps.map((s) => `${s.action} ${s.key}`), ['adopt a']);
    assert.match(p.failures[0].detail, /the matching target User T1 is already linked to a/);
    const linkedElsewhere = plan({ users: users(['b', {}]), states: [linked('User', 'a', sentUser('a'), { targetId: 'T1' })], matches: { 'User:b': found } });
    assert.equal(linkedElsewhere.failures[0].key, 'b');
  });

  it('refuses to take over a matching user when adoption is off', () => {
    const p = plan({ users: users(['a', {}]), matches: { 'User:a': { id: 'T1', userName: 'a@x' } }, settings: { adopt: false } });
    assert.deepEqual(p.steps, []);
    assert.equal(p.failures[0].action, 'match');
    assert.match(p.failures[0].detail, /this connection did not create it, and adoption is off/);
  });

  it('sends nothing for a known user whose values are as last sent', () => {
    const p = plan({ users: users(['a', { title: 'Rep' }]), states: [linked('User', 'a', sentUser('a', { title: 'Rep' }))] });
    assert.deepEqual(p.steps, []);
    assert.equal(p.unchanged, 1);
    assert.deepEqual(lookupCandidates(users(['a', {}]), new Map([['User:a', linked('User', 'a', {})]])), [], 'a linked user is not looked up');
  });

  it('updates only what changed, and removes a value the source cleared', () => {
    const p = plan({ users: users(['a', { title: 'Lead' }]), states: [linked('User', 'a', sentUser('a', { title: 'Rep', [`${ENTERPRISE}:department`]: 'Sales' }))] });
    assert.deepEqual(p.steps, [
      { action: 'update', type: 'User', key: 'a', targetId: 't-a', changes: [{ path: 'title', from: 'Rep', to: 'Lead' }, { path: `${ENTERPRISE}:department`, from: 'Sales' }] },
    ]);
  });

  it('disables a known user that left the scope, touching nothing else', () => {
    const p = plan({ users: users(['a', { department: 'Contractors', title: 'New' }]), states: [linked('User', 'a', sentUser('a', { title: 'Old' }))] });
    assert.deepEqual(p.steps, [{ action: 'disable', type: 'User', key: 'a', targetId: 't-a', reason: 'out of scope', changes: [{ path: 'active', from: true, to: false }] }]);
    assert.equal(p.unchanged, 0);
  });

  it('disables a user disabled in the source, with its other changes', () => {
    const p = plan({ users: users(['a', { active: 'false', title: 'New' }]), states: [linked('User', 'a', sentUser('a', { title: 'Old' }))] });
    assert.equal(p.steps[0].action, 'disable');
    assert.deepEqual((p.steps[0] as { changes: unknown }).changes, [
      { path: 'title', from: 'Old', to: 'New' },
      { path: 'active', from: true, to: false },
    ]);
  });

  it('re-enables a user back in scope with an ordinary update', () => {
    const p = plan({ users: users(['a', {}]), states: [linked('User', 'a', sentUser('a', { active: false }))] });
    assert.deepEqual(p.steps, [{ action: 'update', type: 'User', key: 'a', targetId: 't-a', changes: [{ path: 'active', from: false, to: true }] }]);
  });

  it('leaves an already disabled user out of scope alone', () => {
    const p = plan({ users: users(['a', { department: 'Contractors' }]), states: [linked('User', 'a', sentUser('a', { active: false }))] });
    assert.deepEqual(p.steps, []);
  });

  it('does not create users that are disabled or out of scope', () => {
    const p = plan({ users: users(['a', { active: 'false' }], ['b', { department: 'Contractors' }]) });
    assert.deepEqual(p.steps, []);
    assert.equal(p.unchanged, 1, 'the disabled one is in scope and needs nothing; the other is out of scope');
  });

  it('disables a user deleted in the source, then deletes it once the delay has passed', () => {
    const first = plan({ states: [linked('User', 'gone', sentUser('gone'))] });
    assert.deepEqual(first.notes, [{ kind: 'gone', type: 'User', key: 'gone' }]);
    assert.deepEqual(first.steps, [{ action: 'disable', type: 'User', key: 'gone', targetId: 't-gone', reason: 'deleted in source', changes: [{ path: 'active', from: true, to: false }] }]);
    const waiting = plan({ states: [linked('User', 'gone', sentUser('gone', { active: false }), { goneSince: '2026-05-20T00:00:00Z' })] });
    assert.deepEqual(waiting.steps, []);
    const due = plan({ states: [linked('User', 'gone', sentUser('gone', { active: false }), { goneSince: '2026-05-01T00:00:00Z' })] });
    assert.deepEqual(due.steps, [{ action: 'delete', type: 'User', key: 'gone', targetId: 't-gone', reason: 'deleted in source' }]);
    assert.deepEqual(plan({ states: [linked('User', 'gone', sentUser('gone'))], settings: { deleteAfterMs: 0 } }).steps.map((s) => s.action), ['delete']);
    assert.deepEqual(plan({ states: [linked('User', 'gone', sentUser('gone', { active: false }), { goneSince: '2020-01-01T00:00:00Z' })], settings: { deleteAfterMs: null } }).steps, []);
  });

  it('notes a user that came back to the source', () => {
    const p = plan({ users: users(['a', {}]), states: [linked('User', 'a', sentUser('a'), { goneSince: '2026-05-20T00:00:00Z' })] });
    assert.deepEqual(p.notes, [{ kind: 'back', type: 'User', key: 'a' }]);
  });

  it('forgets objects that left the source before they reached the target', () => {
    const p = plan({ states: [{ ...newState('User', 'x'), phase: 'creating' }, newState('Group', 'g')] });
    assert.deepEqual(p.notes, [
      { kind: 'forget', type: 'User', key: 'x' },
      { kind: 'forget', type: 'Group', key: 'g' },
    ]);
    assert.deepEqual(p.steps, []);
  });

  it('puts the manager of a new user in its create, and sets changed managers in a second pass', () => {
    const created = plan({ users: users(['boss', {}], ['a', { manager: 'boss' }]) });
    assert.equal((created.steps[1] as { managerKey?: string }).managerKey, 'boss');
    const changed = plan({
      users: users(['boss', {}], ['boss2', {}], ['a', { manager: 'boss2' }]),
      states: [linked('User', 'boss', sentUser('boss')), linked('User', 'boss2', sentUser('boss2')), linked('User', 'a', sentUser('a'), { managerKey: 'boss' })],
    });
    assert.deepEqual(changed.steps, [{ action: 'set-manager', type: 'User', key: 'a', targetId: 't-a', from: 'boss', to: 'boss2' }]);
    const removed = plan({ users: users(['a', {}]), states: [linked('User', 'a', sentUser('a'), { managerKey: 'boss' })] });
    assert.deepEqual(removed.steps, [{ action: 'set-manager', type: 'User', key: 'a', targetId: 't-a', from: 'boss', to: null }]);
  });

  it('waits with a manager reference until the manager is provisioned', () => {
    const p = plan({ users: users(['boss', { department: 'Contractors' }], ['a', { manager: 'boss' }]), states: [linked('User', 'a', sentUser('a'))] });
    assert.deepEqual(p.steps, []);
  });

  it("compares an adopted user's manager with the manager's target id", () => {
    const p = plan({
      users: users(['boss', {}], ['a', { manager: 'boss' }]),
      states: [linked('User', 'boss', sentUser('boss'))],
      matches: { 'User:a': { id: 'T1', userName: 'a@x', externalId: 'a', active: true, [ENTERPRISE]: { manager: { value: 't-boss' } } } },
    });
    assert.deepEqual(p.steps.map((s) => s.action), ['adopt']);
  });

  it('creates a group with the members that are provisioned, and sends membership deltas later', () => {
    const u = users(['a', {}], ['b', {}], ['c', { department: 'Contractors' }]);
    const created = plan({ users: u, groups: groups(['g', ['b', 'a', 'c', 'ghost']]), states: [linked('User', 'a', sentUser('a'))] });
    const group = created.steps.find((s) => s.type === 'Group');
    assert.deepEqual(group, { action: 'create', type: 'Group', key: 'g', attributes: { displayName: 'G', externalId: 'g' }, members: ['a', 'b'] });
    const delta = plan({
      users: u,
      groups: groups(['g', ['b', 'c']]),
      states: [linked('User', 'a', sentUser('a')), linked('User', 'b', sentUser('b')), linked('User', 'c', sentUser('c', { active: false })), linked('Group', 'g', { displayName: 'G', externalId: 'g' })],
      memberships: { g: ['a', 'c'] },
    });
    assert.deepEqual(delta.steps, [
      { action: 'add-members', type: 'Group', key: 'g', targetId: 't-g', members: ['b'] },
      { action: 'remove-members', type: 'Group', key: 'g', targetId: 't-g', members: ['a', 'c'] },
    ]);
  });

  it('adds the members of an adopted group without removing what others added', () => {
    const p = plan({ users: users(['a', {}]), groups: groups(['g', ['a']]), states: [linked('User', 'a', sentUser('a'))], matches: { 'Group:g': { id: 'TG', displayName: 'G', externalId: 'g' } } });
    assert.deepEqual(p.steps, [
      { action: 'adopt', type: 'Group', key: 'g', targetId: 'TG', ownership: 'adopted', changes: [] },
      { action: 'add-members', type: 'Group', key: 'g', targetId: 'TG', members: ['a'] },
    ]);
  });

  it('renames a group and deletes groups gone from the source', () => {
    const p = plan({ groups: groups(['g', [], { displayName: 'Renamed' }]), states: [linked('Group', 'g', { displayName: 'G', externalId: 'g' }), linked('Group', 'old', { displayName: 'OLD' })] });
    assert.deepEqual(p.steps, [
      { action: 'update', type: 'Group', key: 'g', targetId: 't-g', changes: [{ path: 'displayName', from: 'G', to: 'Renamed' }] },
      { action: 'delete', type: 'Group', key: 'old', targetId: 't-old', reason: 'deleted in source' },
    ]);
  });

  it('leaves groups alone when group provisioning is off', () => {
    const p = plan({ groups: groups(['g', []]), states: [linked('Group', 'old', {})], settings: { groups: false } });
    assert.deepEqual(p.steps, []);
  });

  it('orders steps: users, managers, groups, memberships, group deletions, user deletions', () => {
    const p = plan({
      users: users(['boss', {}], ['a', { manager: 'boss', title: 'x' }], ['n', {}]),
      groups: groups(['g', ['a']]),
      states: [linked('User', 'boss', sentUser('boss')), linked('User', 'a', sentUser('a')), linked('User', 'gone', sentUser('gone')), linked('Group', 'old', {}), linked('Group', 'g', { displayName: 'G', externalId: 'g' })],
      settings: { deleteAfterMs: 0 },
    });
    assert.deepEqual(p.steps.map((s) => `${s.action} ${s.key}`), ['update a', 'create n', 'set-manager a', 'add-members g', 'delete old', 'delete gone']);
    assert.equal(p.unchanged, 1);
    assert.equal(p.managed, 5);
  });

  it('records mapping failures and still disables a failing user that left the scope', () => {
    const bad = users(['a', { active: 'perhaps' }], ['b', { active: 'perhaps', department: 'Contractors' }]);
    const p = plan({ users: bad, states: [linked('User', 'b', sentUser('b'))] });
    assert.deepEqual(p.failures.map((f) => [f.key, f.action]), [['a', 'map']]);
    assert.match(p.failures[0].detail, /active must be a boolean/);
    assert.deepEqual(p.steps.map((s) => `${s.action} ${s.key}`), ['disable b']);
  });

  it('fails a user without a value for any matching attribute', () => {
    const [d] = [desiredUser({ key: 'k', attributes: { title: 'x' }, origin: 'row' }, userConfig, NOW, () => undefined)];
    assert.match(d.error!, /no value for the matching attributes userName, externalId/);
  });

  it('refuses to plan an object that was not looked up', () => {
    assert.throws(
      () =>
        buildPlan({
          users: users(['a', {}]),
          groups: [],
          userConfig,
          groupConfig,
          states: new Map(),
          memberships: new Map(),
          matches: new Map(),
          settings: { deleteAfterMs: 0, adopt: true, groups: true },
          now: NOW,
        }),
      /User:a was not looked up/,
    );
  });
});
