import { listOf } from '../capabilities.js';
import { expect, expectStatus } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { valueAt } from './scim-assertions.js';

export const projectionChecks: Check[] = [
  {
    id: 'projection.attributes',
    title: 'attributes=userName returns userName and id only (plus what is always returned)',
    area: 'projection',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.4.2.5; RFC 7643 §7 ("returned": "always" for id)',
    sends: 'GET /Users/{id}?attributes=userName',
    expects: 'id and userName present; name and emails absent',
    async run(context) {
      const { id } = await context.createUser('projected');
      const response = await context.send('GET', `/Users/${id}`, { query: { attributes: 'userName' } });
      expectStatus(response, 200, 'GET with attributes=userName');
      expect(response.json.id === id && typeof response.json.userName === 'string', 'id or userName missing', response);
      expect(response.json.name === undefined && response.json.emails === undefined, 'attributes not asked for (name, emails) were returned', response);
    },
  },
  {
    id: 'projection.excluded-attributes',
    title: 'excludedAttributes=emails,name leaves those out and keeps the rest',
    area: 'projection',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7644 §3.4.2.5; Entra uses excludedAttributes (idp-behaviour §1.3 item 7)',
    sends: 'GET /Users/{id}?excludedAttributes=emails,name',
    expects: 'no emails, no name; userName and id present',
    async run(context) {
      const { id } = await context.createUser('excluded');
      const response = await context.send('GET', `/Users/${id}`, { query: { excludedAttributes: 'emails,name' } });
      expectStatus(response, 200, 'GET with excludedAttributes');
      expect(response.json.emails === undefined && response.json.name === undefined, 'excluded attributes were returned', response);
      expect(response.json.id === id && typeof response.json.userName === 'string', 'id or userName missing', response);
    },
  },
  {
    id: 'projection.list-sub-attribute',
    title: 'attributes=name.givenName on a list returns that sub-attribute only',
    area: 'projection',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.4.2.5 (sub-attributes in attributes)',
    sends: 'GET /Users?filter=userName eq "…"&attributes=name.givenName',
    expects: 'name.givenName present, name.familyName absent',
    skipUnless: (c) => (c.filter.supported ? undefined : 'the server does not advertise filter.supported'),
    async run(context) {
      const body = context.userBody('subattr');
      await context.create('Users', body);
      const response = await context.send('GET', '/Users', { query: { filter: `userName eq ${JSON.stringify(body.userName)}`, attributes: 'name.givenName' } });
      const [user] = listOf(response.body);
      expect(user, 'the user was not found', response);
      expect(valueAt(user, 'name.givenName') === 'Check' && valueAt(user, 'name.familyName') === undefined, 'expected name.givenName only', response);
    },
  },
];
