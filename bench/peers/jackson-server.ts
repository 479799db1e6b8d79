import http from 'node:http';
import { announceReady, importPeerPackage, peerFolderArgument, type Loose } from './peer-package.js';

/**
 * @boxyhq/saml-jackson 26.2.0 directory sync on its in-memory engine (`db: { engine: 'mem' }`), or,
 * given a database after the install folder, on its SQL engine (TypeORM): a PostgreSQL URL, or a
 * SQLite file's path.
 * Jackson ships the SCIM logic as a controller that takes a request object
 * (`directorySyncController.requests.handle`); its own HTTP layer is a Next.js app. This wrapper
 * is that layer in plain node:http: it maps `<base>/Users[/id]` and `<base>/Groups[/id]` to the
 * controller's request shape (as Jackson's API route does: bearer secret, numeric `count` and
 * `startIndex`, raw `filter`) and writes its `{ status, data }` back as JSON. Anything else is a
 * 404, as in Jackson (it has no ServiceProviderConfig, Schemas or ResourceTypes).
 *
 * Beside SCIM it serves one route of Jackson's own directory-sync API, as its hosted API does:
 * `GET /api/v1/dsync/groups/{groupId}/members?pageOffset=&pageLimit=` answers `{ data: [{ user_id }] }`
 * from `directorySyncController.groups.getGroupMembers`. Jackson's SCIM GET of a group always says
 * `members: []`, so this is how the bench reads back which members Jackson really holds. It takes
 * the directory's SCIM secret as its bearer (the hosted API has an API key of its own).
 *
 * One directory of type `azure-scim-v2` is created at start; its SCIM base path and secret are
 * what the bench uses. Jackson's defaults are kept, including `db.pageLimit` (50 rows per read),
 * as a deployment that did not tune it would run. Runs as a child process of the bench (bench/peers/index.ts).
 */
const folder = peerFolderArgument();
const database = process.argv[3];
const jacksonModule: Loose = await importPeerPackage(folder, '@boxyhq/saml-jackson');
const controllers: Loose = jacksonModule.default ?? jacksonModule.controllers;

// Jackson logs "Webhook not configured … Skipping" on every write; the bench reads only the ready line.
const jackson: Loose = await controllers({
  externalUrl: 'http://127.0.0.1',
  samlPath: '/api/oauth/saml',
  samlAudience: 'https://saml.boxyhq.com',
  db: storage(database),
  noAnalytics: true,
  openid: {},
});
const created: Loose = await jackson.directorySyncController.directories.create({ tenant: 'bench', product: 'scimd-bench', name: 'bench', type: 'azure-scim-v2' });
if (created.error) throw new Error(`Jackson refused to create a directory: ${JSON.stringify(created.error)}`);
const directoryId: string = created.data.id;
const secret: string = created.data.scim.secret;
const basePath = `/api/scim/v2.0/${directoryId}`;
const route = new RegExp(`^${basePath.replace(/[.]/g, '\\.')}/(Users|Groups)(?:/([^/?]+))?/?(?:\\?(.*))?$`);

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    handle(request, Buffer.concat(chunks).toString('utf8'))
      .then(({ status, data }) => send(response, status, data))
      .catch((error: unknown) => send(response, 500, { detail: error instanceof Error ? error.message : String(error) }));
  });
});

const membersRoute = /^\/api\/v1\/dsync\/groups\/([^/?]+)\/members\/?(?:\?(.*))?$/;

async function handle(request: http.IncomingMessage, text: string): Promise<{ status: number; data: unknown }> {
  const members = membersRoute.exec(request.url ?? '');
  if (members && request.method === 'GET') return groupMembers(request, decodeURIComponent(members[1]), new URLSearchParams(members[2] ?? ''));
  const match = route.exec(request.url ?? '');
  if (!match) return { status: 404, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Not found' } };
  const query = new URLSearchParams(match[3] ?? '');
  const number = (name: string) => (query.has(name) ? parseInt(query.get(name)!, 10) : undefined);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return { status: 400, data: { detail: 'invalid JSON' } };
  }
  const authorization = String(request.headers.authorization ?? '');
  const result: Loose = await jackson.directorySyncController.requests.handle({
    method: request.method ?? 'GET',
    body,
    directoryId,
    resourceType: match[1].toLowerCase(),
    resourceId: match[2] ? decodeURIComponent(match[2]) : undefined,
    apiSecret: authorization.startsWith('Bearer ') ? authorization.slice(7) : null,
    query: { count: number('count'), startIndex: number('startIndex'), filter: query.get('filter') ?? undefined },
  });
  return { status: Number(result?.status ?? 500), data: result?.data };
}

/** Jackson's directory-sync API: one page of a group's members, as Jackson stores them. */
async function groupMembers(request: http.IncomingMessage, groupId: string, query: URLSearchParams): Promise<{ status: number; data: unknown }> {
  if (String(request.headers.authorization ?? '') !== `Bearer ${secret}`) return { status: 401, data: { error: { message: 'Unauthorized' } } };
  const groups: Loose = jackson.directorySyncController.groups.setTenantAndProduct('bench', 'scimd-bench');
  const { data: group } = await groups.get(groupId);
  if (!group) return { status: 404, data: { error: { message: 'Group not found' } } };
  const number = (name: string) => (query.has(name) ? parseInt(query.get(name)!, 10) : undefined);
  const { data, error } = await groups.getGroupMembers({ groupId, pageOffset: number('pageOffset'), pageLimit: number('pageLimit') });
  return error ? { status: error.code ?? 500, data: { error } } : { status: 200, data: { data } };
}

/** Jackson's `db` option: its SQL engine on the database given (creating its tables), or memory. */
function storage(url: string | undefined): Loose {
  if (!url) return { engine: 'mem' };
  return { engine: 'sql', type: /^postgres(ql)?:/.test(url) ? 'postgres' : 'sqlite', url };
}

function send(response: http.ServerResponse, status: number, data: unknown): void {
  const body = data === undefined ? '' : JSON.stringify(data);
  response.writeHead(status, { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announceReady(typeof address === 'object' && address ? address.port : 0, basePath, secret, () => server.close());
});
