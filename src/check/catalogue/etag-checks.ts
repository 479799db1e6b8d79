import { PATCH_OP_SCHEMA } from '../../scim/schema/urns.js';
import { unlessAdvertised } from '../capabilities.js';
import { expect, expectStatus } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { expectErrorBody, valueAt } from './scim-assertions.js';

const withEtag = (c: { etag: boolean }) => unlessAdvertised('etag.supported', c.etag);
const replaceTitle = (value: string) => ({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value }] });

export const etagChecks: Check[] = [
  {
    id: 'etag.version',
    title: 'Resources carry meta.version and the same value in an ETag header, changed by every write',
    area: 'etag',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.14; RFC 7643 §3.1 (meta.version)',
    sends: 'GET /Users/{id}; PUT a change; GET again',
    expects: 'ETag header equal to meta.version; a different version after the change',
    skipUnless: withEtag,
    async run(context) {
      const { id } = await context.createUser('etag');
      const before = await context.send('GET', `/Users/${id}`);
      expectStatus(before, 200, 'GET');
      const version = valueAt(before.json, 'meta.version');
      expect(typeof version === 'string' && version !== '', 'meta.version is missing', before);
      expect(before.headers.etag === version, `the ETag header (${JSON.stringify(before.headers.etag)}) must equal meta.version (${JSON.stringify(version)})`, before);
      const put = await context.send('PUT', `/Users/${id}`, { body: { ...before.json, title: 'Changed' } });
      expectStatus(put, 200, 'PUT');
      const after = await context.send('GET', `/Users/${id}`);
      expect(valueAt(after.json, 'meta.version') !== version, 'meta.version did not change after a write', before, after);
    },
  },
  {
    id: 'etag.if-match',
    title: 'If-Match with a stale version is refused with 412; with the current one it applies',
    area: 'etag',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.14 (412 Precondition Failed); RFC 7232 §3.1',
    sends: 'PATCH with If-Match: <version before a change>, then with the current version',
    expects: '412 with a SCIM error body and the resource unchanged; then 200/204',
    skipUnless: withEtag,
    async run(context) {
      const { id } = await context.createUser('ifmatch');
      const first = await context.send('GET', `/Users/${id}`);
      const stale = String(first.headers.etag ?? valueAt(first.json, 'meta.version'));
      const change = await context.send('PATCH', `/Users/${id}`, { body: replaceTitle('First') });
      expectStatus(change, [200, 204], 'an unconditional PATCH');
      const refused = await context.send('PATCH', `/Users/${id}`, { body: replaceTitle('Stale'), headers: { 'if-match': stale } });
      expectErrorBody(refused, 412, 'PATCH with a stale If-Match');
      const current = await context.send('GET', `/Users/${id}`);
      expect(current.json.title === 'First', 'the refused PATCH was applied anyway', refused, current);
      const accepted = await context.send('PATCH', `/Users/${id}`, { body: replaceTitle('Second'), headers: { 'if-match': String(current.headers.etag ?? valueAt(current.json, 'meta.version')) } });
      expectStatus(accepted, [200, 204], 'PATCH with the current If-Match');
    },
  },
  {
    id: 'etag.if-none-match',
    title: 'GET with If-None-Match of the current version answers 304',
    area: 'etag',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.14; RFC 7232 §3.2',
    sends: 'GET /Users/{id} with If-None-Match: <current ETag>',
    expects: '304 Not Modified',
    skipUnless: withEtag,
    async run(context) {
      const { id } = await context.createUser('ifnone');
      const first = await context.send('GET', `/Users/${id}`);
      const response = await context.send('GET', `/Users/${id}`, { headers: { 'if-none-match': String(first.headers.etag ?? valueAt(first.json, 'meta.version')) } });
      expectStatus(response, 304, 'GET with If-None-Match of the current version');
    },
  },
];
