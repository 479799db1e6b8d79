import { PATCH_OP_SCHEMA } from '../../scim/schema/urns.js';
import { unlessAdvertised } from '../capabilities.js';
import { CheckFailure, expectStatus } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { memberIds } from './scim-assertions.js';

/** Requests sent at once: enough to overlap on any server, few enough for a shared CI machine. */
const PARALLEL = 8;

export const concurrencyChecks: Check[] = [
  {
    id: 'race.username-unique',
    title: `${PARALLEL} simultaneous creates of one userName: exactly one 201, the rest 409`,
    area: 'concurrency',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7643 §4.1.1 (userName uniqueness "server") and RFC 7644 §3.3 (409 uniqueness); Entra retries a timed-out POST (idp-behaviour §1.3 item 14)',
    sends: `${PARALLEL} parallel POST /Users with the same body`,
    expects: 'one 201; every other answer 409 with scimType "uniqueness"',
    async run(context) {
      const body = context.userBody('race');
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => context.send('POST', '/Users', { body })));
      for (const answer of answers) context.track('Users', answer);
      const created = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status === 409 && a.json.scimType === 'uniqueness');
      if (created.length !== 1 || refused.length !== PARALLEL - 1) {
        const other = answers.find((a) => a.status !== 201 && !(a.status === 409 && a.json.scimType === 'uniqueness'));
        const tally = new Map<string, number>();
        for (const a of answers) {
          const label = `${a.status}${a.status >= 400 ? ` ${typeof a.json.scimType === 'string' ? a.json.scimType : 'without scimType'}` : ''}`;
          tally.set(label, (tally.get(label) ?? 0) + 1);
        }
        const summary = [...tally].map(([label, n]) => `${n}× ${label}`).join(', ');
        throw new CheckFailure(`${created.length} creates succeeded and ${refused.length} were refused as uniqueness conflicts (expected 1 and ${PARALLEL - 1}); answers: ${summary}`, [created[1] ?? created[0], other]);
      }
    },
  },
  {
    id: 'race.members-no-lost-update',
    title: `${PARALLEL} simultaneous PATCHes each adding one member, then each removing one: nothing lost`,
    area: 'concurrency',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.5.2 (each PATCH applies to the current resource); peers.md: members lost under concurrent PATCH',
    sends: `${PARALLEL} parallel PATCH [{"op":"add","path":"members","value":[{"value":uN}]}], then ${PARALLEL} parallel remove members[value eq "uN"]`,
    expects: `all ${PARALLEL} members after the adds; none after the removes`,
    skipUnless: (c) => unlessAdvertised('patch.supported', c.patch) ?? (c.groups ? undefined : 'the server lists no Group resource type'),
    async run(context) {
      const users: string[] = [];
      for (let i = 0; i < PARALLEL; i++) users.push((await context.createUser(`racer${i}`)).id);
      const { id: group } = await context.createGroup('race');
      const patch = (op: object) => context.send('PATCH', `/Groups/${group}`, { body: { schemas: [PATCH_OP_SCHEMA], Operations: [op] } });
      const adds = await Promise.all(users.map((value) => patch({ op: 'add', path: 'members', value: [{ value }] })));
      for (const add of adds) expectStatus(add, [200, 204], 'a concurrent member add');
      const full = await context.send('GET', `/Groups/${group}`);
      const held = memberIds(full.json);
      const lost = users.filter((u) => !held.includes(u));
      if (lost.length) throw new CheckFailure(`${lost.length} of ${PARALLEL} members added concurrently are missing`, [adds[0], full]);
      const removes = await Promise.all(users.map((value) => patch({ op: 'remove', path: `members[value eq "${value}"]` })));
      for (const remove of removes) expectStatus(remove, [200, 204], 'a concurrent member remove');
      const empty = await context.send('GET', `/Groups/${group}`);
      const left = memberIds(empty.json);
      if (left.length) throw new CheckFailure(`${left.length} member(s) removed concurrently are still there`, [removes[0], empty]);
    },
  },
];
