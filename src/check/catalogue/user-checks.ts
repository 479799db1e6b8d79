import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../scim/schema/urns.js';
import { listOf } from '../capabilities.js';
import { CheckFailure, expect, expectStatus } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { expectErrorBody, expectListResponse, expectScimType, valueAt } from './scim-assertions.js';

export const userChecks: Check[] = [
  {
    id: 'users.create',
    title: 'POST /Users creates a user and returns it with an id',
    area: 'users',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.3; Entra U3 and Okta SPEC step 6 (idp-behaviour §1.4, §2.2)',
    sends: 'POST /Users with schemas, userName, name, emails (work, primary), displayName, active true',
    expects: '201 with a non-empty id, the userName and names echoed, active true, schemas listing the core User schema',
    async run(context) {
      const body = context.userBody('create');
      const { exchange } = await context.create('Users', body);
      const user = exchange.json;
      expect(user.userName === body.userName, 'userName did not round-trip', exchange);
      expect(valueAt(user, 'name.familyName') === 'create', 'name.familyName did not round-trip', exchange);
      expect(user.active === true, 'active must come back as the boolean true', exchange);
      expect(Array.isArray(user.schemas) && user.schemas.includes(USER_SCHEMA), 'schemas must list the core User schema', exchange);
    },
  },
  {
    id: 'users.create.location',
    title: 'A created user carries meta (resourceType, created, location) and a Location header',
    area: 'users',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.3 ("SHALL include, in the HTTP Location header … meta.location"); RFC 7643 §3.1',
    sends: 'POST /Users',
    expects: 'a Location header equal to meta.location; meta.resourceType "User"; meta.created',
    async run(context) {
      const { exchange } = await context.createUser('location');
      const meta = valueAt(exchange.json, 'meta') as Record<string, unknown> | undefined;
      expect(meta && meta.resourceType === 'User' && typeof meta.created === 'string', 'meta.resourceType and meta.created are missing', exchange);
      expect(typeof meta.location === 'string', 'meta.location is missing', exchange);
      expect(exchange.headers.location === meta.location, `the Location header (${JSON.stringify(exchange.headers.location)}) must equal meta.location`, exchange);
    },
  },
  {
    id: 'users.create.application-json',
    title: 'A POST with Content-Type application/json is accepted',
    area: 'users',
    profiles: ['okta', 'entra'],
    authority: 'Okta SPEC test: POSTs use application/json (idp-behaviour §2.2); Entra requirement 1 (§1.3); RFC 7644 §3.8',
    sends: 'POST /Users with Content-Type: application/json',
    expects: '201',
    async run(context) {
      const body = context.userBody('json');
      const response = await context.send('POST', '/Users', { body, headers: { 'content-type': 'application/json' } });
      context.track('Users', response);
      expectStatus(response, 201, 'POST with application/json');
    },
  },
  {
    id: 'users.create.entra-shape',
    title: 'Entra\'s create body: enterprise extension, meta.resourceType, name.formatted, empty roles',
    area: 'users',
    profiles: ['entra'],
    authority: 'Entra U3 and transcript step 2 (idp-behaviour §1.4, §1.7)',
    sends: 'POST /Users {schemas:[core User, enterprise User], externalId, userName, active:true, emails:[{primary,type:"work",value}], meta:{resourceType:"User"}, name:{formatted,familyName,givenName}, roles:[], enterprise {department, employeeNumber}}',
    expects: '201; userName, externalId and the enterprise department round-trip',
    skipUnless: (c) => (c.enterpriseUser ? undefined : 'the User resource type does not list the enterprise extension'),
    async run(context) {
      const userName = `${context.name('entra')}@contoso.example`;
      const body = {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        externalId: crypto.randomUUID(),
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: userName }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Alice' },
        roles: [],
        [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', employeeNumber: '1001' },
      };
      const { exchange } = await context.create('Users', body);
      expect(exchange.json.userName === userName && exchange.json.externalId === body.externalId, 'userName or externalId did not round-trip', exchange);
      expect(valueAt(exchange.json, `${ENTERPRISE_USER_SCHEMA}:department`) === 'Sales', 'the enterprise department did not round-trip', exchange);
    },
  },
  {
    id: 'users.create.okta-shape',
    title: 'Okta\'s create body: password, locale, externalId, groups []; password never returned',
    area: 'users',
    profiles: ['okta'],
    authority: 'Okta create (idp-behaviour §2.1: "An empty response body fails"); RFC 7643 §4.1.1 (password returned never)',
    sends: 'POST /Users {schemas, userName, name, emails, displayName, locale, externalId, groups: [], password, active: true}',
    expects: '201 with the full user and no password',
    async run(context) {
      context.requireUserAttribute('password');
      const body = context.userBody('okta', { locale: 'en-US', externalId: `00u${context.name('okta').replace(/[^a-z0-9]/g, '')}`, groups: [], password: 't1meMa$heen-scimdcheck' });
      const { exchange } = await context.create('Users', body);
      expect(exchange.json.userName === body.userName, 'the answer does not carry the created user', exchange);
      expect(exchange.json.password === undefined, 'the password is returned', exchange);
    },
  },
  {
    id: 'users.create.duplicate',
    title: 'Creating a user whose userName exists is refused with 409 uniqueness',
    area: 'users',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.3 (409, scimType uniqueness); Okta SPEC step 8; Entra transcript step 2',
    sends: 'the same POST /Users twice, the second with the userName in other case',
    expects: '409 with scimType "uniqueness" (userName is caseExact false, so case does not make it new)',
    async run(context) {
      const body = context.userBody('duplicate');
      await context.create('Users', body);
      const again = await context.send('POST', '/Users', { body: { ...body, userName: String(body.userName).toUpperCase() } });
      context.track('Users', again);
      expectScimType(again, 409, 'uniqueness', 'POST of an existing userName (other case)');
    },
  },
  {
    id: 'users.get',
    title: 'GET /Users/{id} returns the user',
    area: 'users',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.4.1; Entra U4, Okta SPEC step 2',
    sends: 'GET /Users/{id}',
    expects: '200 with the same id and userName',
    async run(context) {
      const body = context.userBody('get');
      const { id } = await context.create('Users', body);
      const response = await context.send('GET', `/Users/${id}`);
      expectStatus(response, 200, 'GET /Users/{id}');
      expect(response.json.id === id && response.json.userName === body.userName, 'id or userName differ from what was created', response);
    },
  },
  {
    id: 'users.get.not-found',
    title: 'An unknown id answers 404 with a SCIM error body',
    area: 'users',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.12; Okta SPEC steps 4 and 12; Entra U4',
    sends: 'GET /Users/010101001010101011001010101011 (Okta\'s id that does not exist)',
    expects: '404, Error schema, "status": "404", non-empty detail',
    async run(context) {
      const response = await context.send('GET', '/Users/010101001010101011001010101011');
      expectErrorBody(response, 404, 'GET of an unknown id');
      if (typeof response.json.detail !== 'string' || response.json.detail === '') throw new CheckFailure('Okta asserts a non-empty "detail" on 404', [response]);
    },
  },
  {
    id: 'users.filter.no-match',
    title: 'A filter that matches nothing answers 200 with an empty ListResponse, not 404',
    area: 'users',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.4.2; Entra Test Connection and quarantine reason "404 rather than 200" (idp-behaviour §1.2)',
    sends: 'GET /Users?filter=userName eq "<random guid>"',
    expects: '200, ListResponse, totalResults 0, no resources',
    skipUnless: (c) => (c.filter.supported ? undefined : 'the server does not advertise filter.supported'),
    async run(context) {
      const response = await context.send('GET', '/Users', { query: { filter: `userName eq "${crypto.randomUUID()}"` } });
      const resources = expectListResponse(response, 'Test Connection probe');
      expect(response.json.totalResults === 0 && resources.length === 0, 'expected totalResults 0 and no resources', response);
    },
  },
  {
    id: 'users.replace',
    title: 'PUT /Users/{id} replaces the user',
    area: 'users',
    profiles: ['rfc', 'okta'],
    authority: 'RFC 7644 §3.5.1; Okta profile updates are GET then PUT (idp-behaviour §2.1)',
    sends: 'GET /Users/{id}, then PUT /Users/{id} with the object, name.givenName changed',
    expects: '200 with the change; a later GET shows it',
    async run(context) {
      const { id } = await context.createUser('put');
      const current = await context.send('GET', `/Users/${id}`);
      expectStatus(current, 200, 'GET before PUT');
      const name = { ...(valueAt(current.json, 'name') as Record<string, unknown>), givenName: 'Replaced' };
      const put = await context.send('PUT', `/Users/${id}`, { body: { ...current.json, name } });
      expectStatus(put, 200, 'PUT /Users/{id}');
      const after = await context.send('GET', `/Users/${id}`);
      expect(valueAt(after.json, 'name.givenName') === 'Replaced', 'the PUT did not change name.givenName', put, after);
    },
  },
  {
    id: 'users.delete',
    title: 'DELETE /Users/{id} answers 204 and the user is gone',
    area: 'users',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7644 §3.6; Entra U8 and transcript step 7',
    sends: 'DELETE /Users/{id}, then GET /Users/{id}',
    expects: '204, then 404',
    async run(context) {
      const { id } = await context.createUser('delete');
      const response = await context.send('DELETE', `/Users/${id}`);
      expectStatus(response, 204, 'DELETE /Users/{id}');
      context.forget('Users', id);
      const after = await context.send('GET', `/Users/${id}`);
      expectErrorBody(after, 404, 'GET after DELETE');
    },
  },
  {
    id: 'users.inactive-still-visible',
    title: 'A deactivated user is still returned by GET and by a filter',
    area: 'users',
    profiles: ['entra', 'okta'],
    authority: 'Entra requirement 9 "returned whether or not the user is active"; Okta CRUD test step 5 (idp-behaviour §1.3, §2.3)',
    sends: 'POST a user with active false; GET /Users/{id}; GET /Users?filter=userName eq "…"',
    expects: 'both find it, with active false as a boolean',
    async run(context) {
      const body = context.userBody('inactive', { active: false });
      const { id } = await context.create('Users', body);
      const get = await context.send('GET', `/Users/${id}`);
      expect(get.status === 200 && get.json.active === false, 'GET must return the inactive user with active false', get);
      if (!context.capabilities.filter.supported) return;
      const list = await context.send('GET', '/Users', { query: { filter: `userName eq ${JSON.stringify(body.userName)}` } });
      expect(listOf(list.body).some((u) => u.id === id), 'a filter by userName does not find the inactive user', list);
    },
  },
];
