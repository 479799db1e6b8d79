import { GROUP_SCHEMA } from '../../scim/schema/urns.js';
import { listOf } from '../capabilities.js';
import { expect, expectStatus } from '../check-failure.js';
import type { Capabilities } from '../capabilities.js';
import type { Check } from '../check-types.js';
import { expectErrorBody, memberIds } from './scim-assertions.js';

export const withGroups = (c: Capabilities) => (c.groups ? undefined : 'the server lists no Group resource type');

export const groupChecks: Check[] = [
  {
    id: 'groups.create',
    title: 'POST /Groups creates a group, with members when given',
    area: 'groups',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.3; Entra G2, Okta Push Groups (idp-behaviour §1.4, §2.1)',
    sends: 'POST /Groups {schemas, displayName, externalId, members: [one user]}',
    expects: '201 with an id, the displayName, and the member',
    skipUnless: withGroups,
    async run(context) {
      const { id: userId } = await context.createUser('member');
      const { exchange } = await context.createGroup('group', { externalId: context.name('ext'), members: [{ value: userId }] });
      expect(typeof exchange.json.displayName === 'string', 'displayName is missing', exchange);
      expect(Array.isArray(exchange.json.schemas) && exchange.json.schemas.includes(GROUP_SCHEMA), 'schemas must list the Group schema', exchange);
      const get = await context.send('GET', `/Groups/${exchange.json.id}`);
      expect(memberIds(get.json).includes(userId), 'the member given on create is not in the group', exchange, get);
    },
  },
  {
    id: 'groups.exclude-members',
    title: 'excludedAttributes=members leaves members out, on GET and on the Entra group probe',
    area: 'groups',
    profiles: ['entra', 'rfc'],
    authority: 'RFC 7644 §3.4.2.5; Entra requirement 7 and G1/G3 (idp-behaviour §1.3, §1.4)',
    sends: 'GET /Groups/{id}?excludedAttributes=members; GET /Groups?excludedAttributes=members&filter=displayName eq "…"',
    expects: '200 without a members key; the filter finds the group',
    skipUnless: withGroups,
    async run(context) {
      const { id: userId } = await context.createUser('member');
      const displayName = context.name('probe');
      const { id } = await context.create('Groups', { schemas: [GROUP_SCHEMA], displayName, members: [{ value: userId }] });
      const get = await context.send('GET', `/Groups/${id}`, { query: { excludedAttributes: 'members' } });
      expectStatus(get, 200, 'GET with excludedAttributes=members');
      expect(!('members' in get.json), 'members is still in the answer', get);
      if (!context.capabilities.filter.supported) return;
      const probe = await context.send('GET', '/Groups', { query: { excludedAttributes: 'members', filter: `displayName eq ${JSON.stringify(displayName)}` } });
      const found = listOf(probe.body);
      expect(probe.status === 200 && found.length === 1 && found[0].id === id, 'the displayName filter must find exactly the group', probe);
      expect(!('members' in found[0]), 'members is in the listed group', probe);
    },
  },
  {
    id: 'groups.delete',
    title: 'DELETE /Groups/{id} answers 204 and the group is gone',
    area: 'groups',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.6; Entra G7; Okta "Delete the group in the target app"',
    sends: 'DELETE /Groups/{id}, then GET',
    expects: '204, then 404 with an error body',
    skipUnless: withGroups,
    async run(context) {
      const { id } = await context.createGroup('delete');
      const response = await context.send('DELETE', `/Groups/${id}`);
      expectStatus(response, 204, 'DELETE /Groups/{id}');
      context.forget('Groups', id);
      expectErrorBody(await context.send('GET', `/Groups/${id}`), 404, 'GET after DELETE');
    },
  },
];
