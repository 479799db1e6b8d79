import http from 'node:http';

/**
 * The machine's ceiling: a bare node:http server that reads each request and answers one fixed
 * SCIM User of about 1 KB (or, for a list request with `count=N`, N copies of it). No routing,
 * parsing or storage, so what a Node server can do at best on this machine; scimd's figures are
 * reported as a fraction of it. Run as a child process by bench/run.ts; prints `listening <port>`
 * and serves until killed.
 */
const id = '2819c223-7f76-453a-919d-413861904646';
const user = JSON.stringify({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  id,
  externalId: 'ext-0001',
  userName: 'bjensen@example.com',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984', department: 'Tour Operations' },
  meta: {
    resourceType: 'User',
    created: '2026-01-23T04:56:22.000Z',
    lastModified: '2026-05-13T04:42:34.000Z',
    version: 'W/"3"',
    location: `http://127.0.0.1:8080/scim/v2/Users/${id}`,
  },
});
const body = Buffer.from(user);

/** A list request (`count=N`) gets a ListResponse of N copies, so a page is compared with a page. */
const pages = new Map<number, Buffer>();
function pageOf(count: number): Buffer {
  let page = pages.get(count);
  if (!page) {
    const resources = Array.from({ length: count }, () => user).join(',');
    page = Buffer.from(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":${count},"itemsPerPage":${count},"startIndex":1,"Resources":[${resources}]}`);
    pages.set(count, page);
  }
  return page;
}

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const count = Number(/[?&]count=(\d+)/.exec(request.url ?? '')?.[1] ?? 1);
    const answer = count > 1 && count <= 1000 ? pageOf(count) : body;
    response.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': answer.length });
    response.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
