import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { assertStatus, patchOp } from '../support/scim-assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ROUNDS = 5;
const PAIRS = 8;

for (const backend of BACKENDS) {
  describe(`deleting a user while it is added to a group (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('answers the add with success or 400 invalidValue naming the member, deletes the user every time, and leaves no membership behind', async (t) => {
      const dir = await server.createDirectory();
      const tally = { added: 0, refused: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const groups = await Promise.all(Array.from({ length: PAIRS }, (_, i) => dir.request('POST', '/Groups', { displayName: `race-${round}-${i}` })));
        groups.forEach((g) => assertStatus(g, 201));
        const users = await Promise.all(Array.from({ length: PAIRS }, (_, i) => dir.request('POST', '/Users', { userName: `race-${round}-${i}@example.com` })));
        users.forEach((u) => assertStatus(u, 201));
        const ids = users.map((u) => u.body.id as string);

        // Each user is added to its own group and deleted at the same moment, so either may go first.
        const answers = await Promise.all(
          ids.flatMap((id, i) => [
            dir.request('PATCH', `/Groups/${groups[i].body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: id }] })).then((r) => ({ kind: 'add' as const, id, r })),
            dir.request('DELETE', `/Users/${id}`).then((r) => ({ kind: 'delete' as const, id, r })),
          ]),
        );
        for (const { kind, id, r } of answers) {
          const context = `${kind} ${id}: ${r.status} ${r.text.slice(0, 300)}`;
          if (kind === 'delete') {
            assert.equal(r.status, 204, context);
          } else if (r.status === 400) {
            assert.equal(r.body.scimType, 'invalidValue', context);
            assert.ok(r.body.detail.includes(id), `the refusal names the member: ${context}`);
            tally.refused++;
          } else {
            assert.ok([200, 204].includes(r.status), context);
            tally.added++;
          }
        }

        for (const id of ids) assert.equal((await dir.request('GET', `/Users/${id}`)).status, 404);
        for (const group of groups) {
          const after = await dir.request('GET', `/Groups/${group.body.id}`);
          assertStatus(after, 200);
          assert.deepEqual(after.body.members ?? [], [], 'no membership outlives its member');
        }
        const memberships = await dir.request('GET', `/Groups?filter=${encodeURIComponent(`displayName sw "race-${round}-" and members pr`)}`);
        assert.equal(memberships.body.totalResults, 0);
      }
      assert.equal(tally.added + tally.refused, ROUNDS * PAIRS);
      t.diagnostic(`${tally.added} adds succeeded before their deletion, ${tally.refused} were refused after it`);
    });
  });
}
