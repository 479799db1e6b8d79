import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BACKENDS } from '../support/databases.js';
import { GROUP_SCHEMA, patchOp, q, USER_SCHEMA } from '../support/scim-assertions.js';
import { startTestServer, type ScimResponse, type TestDirectory, type TestServer } from '../support/test-server.js';
import { fuzzParameters } from './support/fuzz-settings.js';
import { assertHandled } from './support/http-checks.js';
import { listSkippingOneItem } from './support/faulty-store.js';
import { DirectoryModel, type Outcome } from './support/model.js';

interface Real {
  dir: TestDirectory;
}
type Command = fc.AsyncCommand<DirectoryModel, Real>;

/** Few names, in different cases, so that uniqueness conflicts happen often. */
const userName = fc.constantFrom('alice', 'Alice', 'bob', 'carol', 'BOB', "o'hara", 'dave%');
const displayName = fc.constantFrom('Eng', 'ENG', 'Sales', 'Ops', 'ops');
const title = fc.option(fc.constantFrom('Engineer', 'Manager', "O'Brien; --"), { nil: undefined });

/** The id at a position, or an id that exists nowhere when the position is one past the end. */
function pick(ids: Iterable<string>, index: number): string {
  const all = [...ids];
  const at = index % (all.length + 1);
  return at === all.length ? '00000000-0000-4000-8000-000000000000' : all[at];
}

/** PATCH success is 200 with the resource or 204 without it; the model says only "success". */
function expectStatus(response: ScimResponse, expected: Outcome, label: string): void {
  assertHandled(response, label);
  const status = response.status === 204 && expected === 200 ? 200 : response.status;
  assert.equal(status, expected, `${label}: expected ${expected}, got ${response.status} ${response.text.slice(0, 300)}`);
}

class CreateUser implements Command {
  constructor(readonly userName: string, readonly title: string | undefined) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const expected = model.createUserOutcome(this.userName);
    const response = await dir.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: this.userName, ...(this.title === undefined ? {} : { title: this.title }) });
    expectStatus(response, expected, this.toString());
    if (expected === 201) model.replaceUser(response.body.id, this.userName, this.title, undefined);
  }
  toString = () => `POST /Users ${this.userName} ${this.title ?? ''}`;
}

class ReplaceUser implements Command {
  constructor(readonly index: number, readonly userName: string, readonly title: string | undefined, readonly active: boolean) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.users.keys(), this.index);
    const expected = model.replaceUserOutcome(id, this.userName);
    const response = await dir.request('PUT', `/Users/${id}`, { schemas: [USER_SCHEMA], userName: this.userName, active: this.active, ...(this.title === undefined ? {} : { title: this.title }) });
    expectStatus(response, expected, this.toString());
    if (expected === 200) model.replaceUser(id, this.userName, this.title, this.active);
  }
  toString = () => `PUT /Users[${this.index}] ${this.userName} ${this.title ?? ''} ${this.active}`;
}

class PatchUser implements Command {
  constructor(readonly index: number, readonly title: string | undefined, readonly active: boolean) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.users.keys(), this.index);
    const user = model.users.get(id);
    const titleOp = this.title === undefined ? { op: 'remove', path: 'title' } : { op: 'replace', path: 'title', value: this.title };
    const response = await dir.request('PATCH', `/Users/${id}`, patchOp(titleOp, { op: 'Replace', path: 'active', value: this.active }));
    expectStatus(response, user ? 200 : 404, this.toString());
    if (user) model.replaceUser(id, user.userName, this.title, this.active);
  }
  toString = () => `PATCH /Users[${this.index}] title=${this.title ?? '(removed)'} active=${this.active}`;
}

class DeleteUser implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.users.keys(), this.index);
    const response = await dir.request('DELETE', `/Users/${id}`);
    expectStatus(response, model.deleteUser(id), this.toString());
  }
  toString = () => `DELETE /Users[${this.index}]`;
}

class CreateGroup implements Command {
  constructor(readonly displayName: string, readonly members: number[]) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const members = [...new Set(this.members.map((i) => pick(model.users.keys(), i)))];
    const expected = model.createGroupOutcome(this.displayName, members);
    const response = await dir.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: this.displayName, members: members.map((value) => ({ value })) });
    expectStatus(response, expected, this.toString());
    if (expected === 201) model.groups.set(response.body.id, { id: response.body.id, displayName: this.displayName, members: new Set(members) });
  }
  toString = () => `POST /Groups ${this.displayName} members=[${this.members}]`;
}

class AddMembers implements Command {
  constructor(readonly index: number, readonly members: number[]) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.groups.keys(), this.index);
    const members = this.members.map((i) => pick(model.users.keys(), i));
    const expected = model.addMembersOutcome(id, members);
    const response = await dir.request('PATCH', `/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: members.map((value) => ({ value })) }));
    expectStatus(response, expected, this.toString());
    if (expected === 200) for (const member of members) model.groups.get(id)!.members.add(member);
  }
  toString = () => `PATCH /Groups[${this.index}] add members=[${this.members}]`;
}

class RemoveMember implements Command {
  constructor(readonly index: number, readonly member: number) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.groups.keys(), this.index);
    const member = pick(model.users.keys(), this.member);
    const response = await dir.request('PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: `members[value eq "${member}"]` }));
    expectStatus(response, model.removeMemberOutcome(id), this.toString());
    model.groups.get(id)?.members.delete(member);
  }
  toString = () => `PATCH /Groups[${this.index}] remove member ${this.member}`;
}

class RenameGroup implements Command {
  constructor(readonly index: number, readonly displayName: string) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.groups.keys(), this.index);
    const expected = model.renameGroupOutcome(id, this.displayName);
    const response = await dir.request('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', path: 'displayName', value: this.displayName }));
    expectStatus(response, expected, this.toString());
    if (expected === 200) model.groups.get(id)!.displayName = this.displayName;
  }
  toString = () => `PATCH /Groups[${this.index}] displayName=${this.displayName}`;
}

class DeleteGroup implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.groups.keys(), this.index);
    expectStatus(await dir.request('DELETE', `/Groups/${id}`), model.deleteGroup(id), this.toString());
  }
  toString = () => `DELETE /Groups[${this.index}]`;
}

class FilterUsers implements Command {
  constructor(readonly userName: string) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const response = await dir.request('GET', `/Users?filter=${q(`userName eq ${JSON.stringify(this.userName)}`)}`);
    expectStatus(response, 200, this.toString());
    assert.deepEqual(response.body.Resources.map((r: { id: string }) => r.id).sort(), model.usersNamed(this.userName).sort(), this.toString());
  }
  toString = () => `GET /Users?filter=userName eq ${this.userName}`;
}

class FilterGroupsByMember implements Command {
  constructor(readonly member: number) {}
  check = () => true;
  async run(model: DirectoryModel, { dir }: Real) {
    const id = pick(model.users.keys(), this.member);
    const response = await dir.request('GET', `/Groups?filter=${q(`members.value eq "${id}"`)}&attributes=displayName`);
    expectStatus(response, 200, this.toString());
    assert.deepEqual(response.body.Resources.map((r: { id: string }) => r.id).sort(), model.groupsOf(id).sort(), this.toString());
  }
  toString = () => `GET /Groups?filter=members.value eq [${this.member}]`;
}

const index = fc.nat({ max: 20 });
const COMMANDS = [
  fc.tuple(userName, title).map(([n, t]) => new CreateUser(n, t)),
  fc.tuple(index, userName, title, fc.boolean()).map(([i, n, t, a]) => new ReplaceUser(i, n, t, a)),
  fc.tuple(index, title, fc.boolean()).map(([i, t, a]) => new PatchUser(i, t, a)),
  index.map((i) => new DeleteUser(i)),
  fc.tuple(displayName, fc.array(index, { maxLength: 3 })).map(([n, m]) => new CreateGroup(n, m)),
  fc.tuple(index, fc.array(index, { minLength: 1, maxLength: 3 })).map(([g, m]) => new AddMembers(g, m)),
  fc.tuple(index, index).map(([g, m]) => new RemoveMember(g, m)),
  fc.tuple(index, displayName).map(([g, n]) => new RenameGroup(g, n)),
  index.map((i) => new DeleteGroup(i)),
  userName.map((n) => new FilterUsers(n)),
  index.map((i) => new FilterGroupsByMember(i)),
];

/** The server's whole directory equals the model: users, their groups, and every group's members. */
async function assertSameState(model: DirectoryModel, dir: TestDirectory, after: string): Promise<void> {
  const users = await dir.request('GET', '/Users?count=1000');
  const groups = await dir.request('GET', '/Groups?count=1000');
  assert.equal(users.status, 200);
  assert.equal(groups.status, 200);
  const serverUsers = users.body.Resources.map((u: any) => ({
    id: u.id,
    userName: u.userName,
    active: u.active,
    title: u.title,
    groups: (u.groups ?? []).map((g: { value: string }) => g.value).sort(),
  }));
  const modelUsers = [...model.users.values()].map((u) => ({ id: u.id, userName: u.userName, active: u.active, title: u.title, groups: model.groupsOf(u.id).sort() }));
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  assert.deepEqual(serverUsers.sort(byId), modelUsers.sort(byId), `users differ after ${after}`);
  const serverGroups = groups.body.Resources.map((g: any) => ({ id: g.id, displayName: g.displayName, members: (g.members ?? []).map((m: { value: string }) => m.value).sort() }));
  const modelGroups = [...model.groups.values()].map((g) => ({ id: g.id, displayName: g.displayName, members: [...g.members].sort() }));
  assert.deepEqual(serverGroups.sort(byId), modelGroups.sort(byId), `groups differ after ${after}`);
}

/** Runs a command, then compares the whole state, so a divergence names the step that caused it. */
function checked(command: Command): Command {
  return {
    check: (model) => command.check(model),
    run: async (model, real) => {
      await command.run(model, real);
      await assertSameState(model, real.dir, command.toString());
    },
    toString: () => command.toString(),
  };
}

/** The property itself, so the fault demonstration runs exactly what the suite runs. */
const sequencesMatchTheModel = (server: TestServer, onRun: (steps: number) => void = () => {}) =>
  fc.asyncProperty(fc.commands(COMMANDS.map((arbitrary) => arbitrary.map(checked)), { maxCommands: 40, size: 'max' }), async (commands) => {
    const dir = await server.createDirectory();
    await fc.asyncModelRun(() => ({ model: new DirectoryModel(), real: { dir } }), commands);
    onRun([...commands].length);
  });

describe('model-based fault demonstration (sqlite)', () => {
  it('flags a store whose listing skips one item', async () => {
    const server = await startTestServer('sqlite', {}, listSkippingOneItem);
    try {
      await assert.rejects(fc.assert(sequencesMatchTheModel(server), fuzzParameters(15)), /(users|groups) differ after/);
    } finally {
      await server.close();
    }
  });
});

for (const backend of BACKENDS) {
  describe(`model-based SCIM sequences (${backend})`, () => {
    let server: TestServer;
    let steps = 0;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(async () => {
      await server.close();
      console.log(`model-based (${backend}): ${steps} operations, state compared after each`);
    });

    it('keeps the server state equal to the RFC model after every step of random operation sequences', async () => {
      await fc.assert(
        sequencesMatchTheModel(server, (n) => (steps += n)),
        fuzzParameters(15),
      );
    });
  });
}
