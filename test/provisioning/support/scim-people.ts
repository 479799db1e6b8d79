import assert from 'node:assert/strict';
import type { TestDirectory } from '../../support/test-server.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * People and groups an identity provider writes into a scimd directory over SCIM, by name:
 * the source side of the hub and SCIM-source tests. Keeps the ids the directory gave.
 */
export class ScimPeople {
  readonly ids = new Map<string, string>();

  constructor(readonly directory: TestDirectory) {}

  async user(userName: string, title: string, manager?: string): Promise<void> {
    const [given, family] = [userName[0].toUpperCase() + userName.slice(1), 'Example'];
    const body: Record<string, unknown> = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName,
      externalId: `ext-${userName}`,
      name: { givenName: given, familyName: family },
      emails: [{ type: 'work', value: `${userName}@example.test`, primary: true }],
      title,
      active: true,
      [ENTERPRISE]: { department: 'Ops', ...(manager ? { manager: { value: this.id(manager) } } : {}) },
    };
    const response = await this.directory.request('POST', '/Users', body);
    assert.equal(response.status, 201, response.text);
    this.ids.set(userName, response.body.id);
  }

  async group(displayName: string, members: string[]): Promise<void> {
    const response = await this.directory.request('POST', '/Groups', { displayName, members: members.map((m) => ({ value: this.id(m) })) });
    assert.equal(response.status, 201, response.text);
    this.ids.set(displayName, response.body.id);
  }

  async patch(kind: 'Users' | 'Groups', name: string, operations: unknown[]): Promise<void> {
    const response = await this.directory.request('PATCH', `/${kind}/${this.id(name)}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
    assert.ok(response.status === 200 || response.status === 204, response.text);
  }

  async remove(kind: 'Users' | 'Groups', name: string): Promise<void> {
    const response = await this.directory.request('DELETE', `/${kind}/${this.id(name)}`);
    assert.equal(response.status, 204, response.text);
  }

  id(name: string): string {
    const id = this.ids.get(name);
    assert.ok(id, `no ${name} in the source`);
    return id;
  }

  /** The usual starting point: a CEO, two reps, an engineer, an auditor; Sales and Engineering. */
  async seed(): Promise<void> {
    await this.user('cora', 'CEO');
    await this.user('alice', 'Rep', 'cora');
    await this.user('bob', 'Rep', 'alice');
    await this.user('carol', 'Engineer', 'cora');
    await this.user('erin', 'Auditor', 'cora');
    await this.group('Sales', ['alice', 'bob']);
    await this.group('Engineering', ['carol']);
  }

  /** Changes covering every kind of step: update, disable, manager, membership, create, delete. */
  async change(): Promise<void> {
    await this.patch('Users', 'alice', [{ op: 'replace', path: 'title', value: 'Senior Rep' }]);
    await this.patch('Users', 'bob', [{ op: 'replace', path: 'active', value: false }]);
    await this.patch('Users', 'carol', [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: this.id('alice') } }]);
    await this.user('dave', 'Intern', 'carol');
    await this.patch('Groups', 'Sales', [{ op: 'add', path: 'members', value: [{ value: this.id('dave') }] }]);
    await this.remove('Users', 'erin');
  }
}

export function pick(summary: { created: number; updated: number; disabled: number; deleted: number; unchanged: number; failed: number }) {
  const { created, updated, disabled, deleted, unchanged, failed } = summary;
  return { created, updated, disabled, deleted, unchanged, failed };
}

/** What the target holds: users by userName, groups by displayName (an EngineHarness's readers). */
interface TargetView {
  targetUsers(): Promise<Map<string, Record<string, any>>>;
  targetGroups(): Promise<Map<string, Record<string, any>>>;
}

const memberIds = (group: Record<string, any> | undefined) => ((group?.members ?? []) as { value: string }[]).map((m) => m.value).sort();

/** The target after the first cycle over `seed()`. */
export async function assertSeeded(target: TargetView): Promise<void> {
  const users = await target.targetUsers();
  assert.deepEqual([...users.keys()].sort(), ['alice', 'bob', 'carol', 'cora', 'erin']);
  const alice = users.get('alice')!;
  assert.equal(alice.externalId, 'ext-alice');
  assert.equal(alice.title, 'Rep');
  assert.deepEqual(alice.name, { givenName: 'Alice', familyName: 'Example' });
  assert.deepEqual(alice.emails, [{ type: 'work', value: 'alice@example.test', primary: true }]);
  assert.equal(alice.active, true);
  assert.equal(alice[ENTERPRISE].department, 'Ops');
  assert.equal(alice[ENTERPRISE].manager.value, users.get('cora')!.id, 'the manager is the target id of the source manager');
  assert.equal(users.get('bob')![ENTERPRISE].manager.value, alice.id);
  const groups = await target.targetGroups();
  assert.deepEqual([...groups.keys()].sort(), ['Engineering', 'Sales']);
  assert.deepEqual(memberIds(groups.get('Sales')), [alice.id, users.get('bob')!.id].sort());
  assert.deepEqual(memberIds(groups.get('Engineering')), [users.get('carol')!.id]);
}

/** The target after a cycle over `change()`. */
export async function assertChanged(target: TargetView): Promise<void> {
  const users = await target.targetUsers();
  assert.deepEqual([...users.keys()].sort(), ['alice', 'bob', 'carol', 'cora', 'dave'], 'erin was deleted');
  assert.equal(users.get('alice')!.title, 'Senior Rep');
  assert.equal(users.get('bob')!.active, false);
  assert.equal(users.get('carol')![ENTERPRISE].manager.value, users.get('alice')!.id);
  assert.equal(users.get('dave')![ENTERPRISE].manager.value, users.get('carol')!.id);
  const groups = await target.targetGroups();
  assert.deepEqual(memberIds(groups.get('Sales')), ['alice', 'bob', 'dave'].map((u) => users.get(u)!.id).sort());
}

/** The cycle summary `change()` leads to: dave created; alice, carol and Sales updated; bob disabled; erin deleted. */
export const CHANGED_SUMMARY = { created: 1, updated: 3, disabled: 1, deleted: 1, unchanged: 2, failed: 0 };
