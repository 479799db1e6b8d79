import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { announceReady, importPeerPackage, peerFolderArgument, type Loose } from './peer-package.js';

/**
 * SCIMMY 1.3.5 with scimmy-routers 1.3.2 on Express, as its README sets it up, with the minimal
 * in-memory adapter a user has to write: SCIMMY parses, validates, filters (`Filter.match`),
 * sorts, pages and applies PATCH; the adapter only keeps resources in a Map. `ingress` stores what
 * SCIMMY hands it, `egress` returns one resource or all of them, `degress` deletes. PATCH is
 * SCIMMY's own: it reads the whole resource through `egress`, applies the operations and writes
 * the whole resource back through `ingress` (so adding one member rewrites the member list).
 *
 * One leniency is added in front of the router, because every Entra tenant sends it and any
 * adapter facing Entra would need it: PATCH `op` values are lower-cased and "True"/"False"
 * strings become booleans. Runs as a child process of the bench (bench/peers/index.ts).
 */
const folder = peerFolderArgument();
const routers: Loose = await importPeerPackage(folder, 'scimmy-routers');
const express: Loose = await importPeerPackage(folder, 'express');
const SCIMMY: Loose = routers.SCIMMY;
const SCIMMYRouters: Loose = routers.SCIMMYRouters ?? routers.default;

const token = randomBytes(18).toString('base64url');
const expected = Buffer.from(`Bearer ${token}`);

type Stored = Record<string, unknown> & { id: string; meta: { created: string; lastModified: string } };

/** One resource type's store: a Map by id, and a userName/displayName index for uniqueness. */
function declare(resource: Loose, uniqueAttribute: 'userName' | 'displayName'): void {
  const byId = new Map<string, Stored>();
  const unique = new Map<string, string>();
  const notFound = (id: string) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
  resource
    .ingress((target: Loose, instance: Loose) => {
      const data = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
      const now = new Date().toISOString();
      const key = String(data[uniqueAttribute] ?? '').toLowerCase();
      const holder = unique.get(key);
      if (holder !== undefined && holder !== target.id) throw new SCIMMY.Types.Error(409, 'uniqueness', `${uniqueAttribute} ${key} is taken`);
      let stored: Stored;
      if (target.id) {
        const existing = byId.get(target.id);
        if (!existing) throw notFound(target.id);
        unique.delete(String(existing[uniqueAttribute] ?? '').toLowerCase());
        stored = { ...data, id: existing.id, meta: { created: existing.meta.created, lastModified: now } };
      } else {
        stored = { ...data, id: randomUUID(), meta: { created: now, lastModified: now } };
      }
      byId.set(stored.id, stored);
      unique.set(key, stored.id);
      return stored;
    })
    .egress((target: Loose) => {
      if (target.id) {
        const found = byId.get(target.id);
        if (!found) throw notFound(target.id);
        return found;
      }
      const all = [...byId.values()];
      return target.filter ? target.filter.match(all) : all;
    })
    .degress((target: Loose) => {
      const existing = byId.get(target.id);
      if (!existing) throw notFound(target.id);
      byId.delete(target.id);
      unique.delete(String(existing[uniqueAttribute] ?? '').toLowerCase());
    });
}

SCIMMY.Resources.declare(SCIMMY.Resources.User).extend(SCIMMY.Schemas.EnterpriseUser, false);
SCIMMY.Resources.declare(SCIMMY.Resources.Group);
declare(SCIMMY.Resources.User, 'userName');
declare(SCIMMY.Resources.Group, 'displayName');

const app: Loose = express();
app.use('/scim/v2', express.json({ type: ['application/scim+json', 'application/json'], limit: '10mb' }), entraLeniency);
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    docUri: 'https://example.com/bench',
    handler: (request: Loose) => {
      const given = Buffer.from(String(request.headers.authorization ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('Authorization failed');
      return 'bench';
    },
  }),
);

/** Entra's capitalised PATCH ops and "True"/"False" strings, made RFC-shaped before SCIMMY sees them. */
function entraLeniency(request: Loose, _response: unknown, next: () => void): void {
  if (request.method === 'PATCH' && Array.isArray(request.body?.Operations)) {
    for (const operation of request.body.Operations) {
      if (typeof operation.op === 'string') operation.op = operation.op.toLowerCase();
      if (operation.value === 'True' || operation.value === 'False') operation.value = operation.value === 'True';
    }
  }
  next();
}

const server: Server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announceReady(typeof address === 'object' && address ? address.port : 0, '/scim/v2', token, () => server.close());
});
server.keepAliveTimeout = 60_000;
// SCIMMY builds every page from all users, which on a busy machine can take longer than Node's
// default 60 s header timeout for requests queued behind it; the bench's own time budget bounds them.
server.headersTimeout = 600_000;
server.requestTimeout = 600_000;
