import { CheckFailure } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { expectErrorBody } from './scim-assertions.js';

const PROBE = { filter: 'userName eq "scimdcheck-probe@example.com"' };

export const authChecks: Check[] = [
  {
    id: 'auth.no-token',
    title: 'A request without credentials is refused with 401 and a SCIM error body',
    area: 'authentication',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §2 and §3.12; Entra golden transcript step 0 (idp-behaviour §1.7)',
    sends: 'GET /Users?filter=userName eq "…" with no Authorization header',
    expects: '401, Content-Type application/scim+json, body with the Error schema and "status": "401"',
    async run(context) {
      const response = await context.send('GET', '/Users', { query: PROBE, authorization: 'none' });
      expectErrorBody(response, 401, 'no Authorization header');
    },
  },
  {
    id: 'auth.bad-token',
    title: 'A request with a wrong bearer token is refused with 401 and a SCIM error body',
    area: 'authentication',
    profiles: ['rfc', 'entra', 'okta'],
    authority: 'RFC 7644 §3.12; Okta SPEC test step 11 "Check status 401" (idp-behaviour §2.2)',
    sends: 'GET /Users?filter=… with "Authorization: Bearer <random>" and, as Okta does, "Authorization: non-token"',
    expects: '401 with the Error schema, "status": "401" and a non-empty detail',
    async run(context) {
      for (const authorization of ['Bearer scimdcheck-not-a-valid-token-0123456789', 'non-token']) {
        const response = await context.send('GET', '/Users', { query: PROBE, authorization });
        expectErrorBody(response, 401, `Authorization: ${authorization}`);
        if (typeof response.json.detail !== 'string' || response.json.detail === '') throw new CheckFailure('Okta asserts a non-empty "detail" on 401', [response]);
      }
    },
  },
  {
    id: 'protocol.content-type',
    title: 'Responses are application/scim+json',
    area: 'authentication',
    profiles: ['rfc', 'entra'],
    authority: 'RFC 7644 §3.1 and §8.1; Entra requirement 1 (idp-behaviour §1.3)',
    sends: 'GET /Users?count=1, and an unauthenticated GET (error answers count too)',
    expects: 'Content-Type application/scim+json on both',
    async run(context) {
      for (const authorization of [undefined, 'none'] as const) {
        const response = await context.send('GET', '/Users', { query: { count: 1 }, authorization });
        const type = String(response.headers['content-type'] ?? '');
        if (!type.toLowerCase().startsWith('application/scim+json')) {
          throw new CheckFailure(`Content-Type is ${JSON.stringify(type)}, not application/scim+json`, [response]);
        }
      }
    },
  },
];
