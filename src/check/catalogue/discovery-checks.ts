import { SERVICE_PROVIDER_CONFIG_SCHEMA } from '../../scim/schema/urns.js';
import { isObject, listOf, unlessAdvertised } from '../capabilities.js';
import { CheckFailure, expect } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { idsOf } from './scim-assertions.js';

export const discoveryChecks: Check[] = [
  {
    id: 'discovery.service-provider-config',
    title: '/ServiceProviderConfig describes every feature',
    area: 'discovery',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7643 §5; Entra gallery checklist (idp-behaviour §1.3 item 15)',
    sends: 'GET /ServiceProviderConfig',
    expects: '200 with the ServiceProviderConfig schema and patch, bulk, filter, changePassword, sort, etag each with a boolean "supported"',
    async run(context) {
      const response = context.discovery.serviceProviderConfig;
      expect(response.status === 200, `GET /ServiceProviderConfig answered ${response.status}`, response);
      const schemas = Array.isArray(response.json.schemas) ? response.json.schemas : [];
      expect(schemas.includes(SERVICE_PROVIDER_CONFIG_SCHEMA), `schemas must list ${SERVICE_PROVIDER_CONFIG_SCHEMA}`, response);
      for (const feature of ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag']) {
        const block = response.json[feature];
        expect(isObject(block) && typeof block.supported === 'boolean', `"${feature}.supported" must be a boolean (RFC 7643 §5: required)`, response);
      }
      expect(Array.isArray(response.json.authenticationSchemes), '"authenticationSchemes" is required (RFC 7643 §5)', response);
    },
  },
  {
    id: 'discovery.resource-types',
    title: '/ResourceTypes lists User (and Group) with their endpoints',
    area: 'discovery',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7643 §6, RFC 7644 §4; Entra gallery checklist (idp-behaviour §1.3 item 15)',
    sends: 'GET /ResourceTypes',
    expects: '200 listing a User resource type with endpoint /Users and schema urn:…:core:2.0:User',
    async run(context) {
      const response = context.discovery.resourceTypes;
      expect(response.status === 200, `GET /ResourceTypes answered ${response.status}`, response);
      const types = listOf(response.body);
      const user = types.find((t) => String(t.name).toLowerCase() === 'user');
      expect(user, 'no resource type named User', response);
      expect(String(user.endpoint).replace(/^.*\//, '') === 'Users', `the User endpoint is ${JSON.stringify(user.endpoint)}, not /Users`, response);
      expect(user.schema === 'urn:ietf:params:scim:schemas:core:2.0:User', 'the User resource type must name the core User schema', response);
    },
  },
  {
    id: 'discovery.schemas',
    title: '/Schemas is a ListResponse describing User and its attributes',
    area: 'discovery',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7643 §7, RFC 7644 §4; Entra "/Schemas must return a ListResponse" (idp-behaviour §1.3 item 12)',
    sends: 'GET /Schemas',
    expects: '200 ListResponse with the User schema, whose attributes include userName (caseExact false, uniqueness server)',
    async run(context) {
      const response = context.discovery.schemas;
      expect(response.status === 200, `GET /Schemas answered ${response.status}`, response);
      expect(!Array.isArray(response.body), 'Entra needs a ListResponse, not a bare array', response);
      const user = listOf(response.body).find((s) => s.id === 'urn:ietf:params:scim:schemas:core:2.0:User');
      expect(user, 'the User schema is missing', response);
      const attributes = Array.isArray(user.attributes) ? user.attributes.filter(isObject) : [];
      const userName = attributes.find((a) => a.name === 'userName');
      expect(userName, 'the User schema does not describe userName', response);
      expect(userName.caseExact === false, 'userName must be caseExact false (RFC 7643 §4.1.1)', response);
    },
  },
  {
    id: 'discovery.filter-truthful',
    title: 'A server that advertises filter.supported narrows results by the filter',
    area: 'discovery',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7643 §5 (filter.supported) and RFC 7644 §3.4.2.2',
    sends: 'GET /Users?filter=userName eq "<one seeded user>"',
    expects: 'exactly that user, not the whole directory',
    skipUnless: (c) => unlessAdvertised('filter.supported', c.filter.supported),
    async run(context) {
      const users = await context.seed();
      const bob = users.get('bob')!;
      const response = await context.send('GET', '/Users', { query: { filter: `userName eq ${JSON.stringify(bob.sent.userName)}` } });
      const ids = idsOf(listOf(response.body));
      expect(response.status === 200, `expected 200, got ${response.status}`, response);
      if (ids.length !== 1 || ids[0] !== bob.id) throw new CheckFailure(`the filter should select 1 user (${bob.id}); the server returned ${ids.length}`, [response]);
    },
  },
  {
    id: 'discovery.max-results',
    title: 'No page is longer than the count asked for, nor than filter.maxResults',
    area: 'discovery',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.4.2.4 (count: "MUST NOT return more results than specified"); RFC 7643 §5 (filter.maxResults)',
    sends: 'GET /Users?count=2, and GET /Users?count=<maxResults + 1> with a filter',
    expects: 'at most 2 resources; at most maxResults resources; count=0 gives totalResults and no resources',
    async run(context) {
      await context.seed();
      const two = await context.send('GET', '/Users', { query: { count: 2 } });
      expect(two.status === 200, `expected 200, got ${two.status}`, two);
      expect(listOf(two.body).length <= 2, `count=2 returned ${listOf(two.body).length} resources`, two);
      const zero = await context.send('GET', '/Users', { query: { count: 0 } });
      expect(zero.status === 200 && listOf(zero.body).length === 0 && Number.isInteger(zero.json.totalResults), 'count=0 must return totalResults and no resources', zero);
      const max = context.capabilities.filter.maxResults;
      if (max !== undefined && context.capabilities.filter.supported) {
        const above = await context.send('GET', '/Users', { query: { filter: `userName sw ${JSON.stringify(context.prefix)}`, count: max + 1 } });
        expect(above.status === 200 || above.status === 400, `count above maxResults answered ${above.status}`, above);
        if (above.status === 200) expect(listOf(above.body).length <= max, `returned more than maxResults (${max})`, above);
      }
    },
  },
];
