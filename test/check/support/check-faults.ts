import { parseFilter } from '../../../src/scim/filter/parser.js';
import { errorAnswer, type Fault, type ProxiedAnswer, type ProxiedRequest } from './fault-proxy.js';

/**
 * A named misbehaviour: the checks it is aimed at (`catches`) and the others a server broken that
 * way fails as well (`alsoFails`); together they are exactly the failures of their check families.
 */
export interface NamedFault {
  name: string;
  catches: string[];
  alsoFails?: string[];
  fault: Fault;
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
type Operation = { op: string; path?: string; value?: any };

const isList = (r: ProxiedRequest, endpoint = 'Users') => r.method === 'GET' && r.path === `/${endpoint}`;
const isOne = (r: ProxiedRequest, method: string, endpoint = 'Users') => r.method === method && new RegExp(`^/${endpoint}/[^/]+$`).test(r.path);

/** Rewrites the filter of GET /Users (a server that evaluates it wrongly). */
function filterRewrite(rewrite: (filter: string) => string, endpoint = 'Users'): Fault {
  return {
    request(r) {
      const filter = r.query.get('filter');
      if (isList(r, endpoint) && filter !== null) r.query.set('filter', rewrite(filter));
    },
  };
}

/** Answers an empty ListResponse to matching filters (a server that cannot filter on that attribute and says nothing). */
function emptyListWhen(applies: (filter: string) => boolean): Fault {
  return answerOf(
    (a, r) => isList(r) && a.status === 200 && applies(r.query.get('filter') ?? ''),
    (a) => Object.assign(a.body, { totalResults: 0, itemsPerPage: 0, Resources: [] }),
  );
}

/** Drops a query parameter on matching requests (a server that ignores it). */
function ignoreParameter(name: string, applies: (r: ProxiedRequest) => boolean): Fault {
  return {
    request(r) {
      if (applies(r)) r.query.delete(name);
    },
  };
}

/** Rewrites the operations of every PATCH (a server that drops or misreads some of them). */
function patchOps(rewrite: (ops: Operation[], request: ProxiedRequest) => Operation[]): Fault {
  return {
    request(r) {
      if (r.method === 'PATCH' && Array.isArray(r.body?.Operations)) r.body.Operations = rewrite(r.body.Operations, r);
    },
  };
}

const opIs = (op: Operation, name: string) => op.op.toLowerCase() === name;
const pathOf = (op: Operation) => String(op.path ?? '').toLowerCase();

/** A server that accepts the request and answers as if it applied it, without touching anything. */
function pretendDone(applies: (r: ProxiedRequest) => boolean, status: number): Fault {
  return {
    request(r) {
      if (!applies(r)) return;
      if (status === 204) return { status: 204, headers: {}, body: undefined, text: '' };
      r.method = 'GET';
      r.body = undefined;
    },
  };
}

function answerOf(applies: (answer: ProxiedAnswer, r: ProxiedRequest) => boolean, change: (answer: ProxiedAnswer, r: ProxiedRequest) => void): Fault {
  return {
    answer(answer, r) {
      if (applies(answer, r)) change(answer, r);
    },
  };
}

export const CHECK_FAULTS: NamedFault[] = [
  // Authentication and protocol
  { name: 'plainTextUnauthorized', catches: ['auth.no-token'], alsoFails: ['auth.bad-token'], fault: answerOf((a) => a.status === 401, (a) => ((a.body = undefined), (a.text = 'Unauthorized'), (a.headers['content-type'] = 'text/plain'))) },
  {
    name: 'acceptsAnyBearerToken',
    catches: ['auth.bad-token'],
    fault: {
      request(r) {
        if (r.headers.authorization && r.headers.authorization !== GOOD_TOKEN.value) r.headers.authorization = GOOD_TOKEN.value;
      },
    },
  },
  { name: 'answersApplicationJson', catches: ['protocol.content-type'], fault: answerOf((a) => a.body !== undefined, (a) => (a.headers['content-type'] = 'application/json')) },
  // Discovery
  { name: 'supportedAsString', catches: ['discovery.service-provider-config'], fault: answerOf((_, r) => r.path === '/ServiceProviderConfig', (a) => (a.body.changePassword.supported = 'false')) },
  {
    name: 'userEndpointMisnamed',
    catches: ['discovery.resource-types'],
    fault: answerOf((_, r) => r.path === '/ResourceTypes', (a) => a.body.Resources.filter((t: any) => t.name === 'User').forEach((t: any) => (t.endpoint = '/User'))),
  },
  {
    name: 'userNameCaseExact',
    catches: ['discovery.schemas'],
    fault: answerOf(
      (_, r) => r.path === '/Schemas',
      (a) => a.body.Resources.flatMap((s: any) => s.attributes ?? []).filter((x: any) => x.name === 'userName').forEach((x: any) => (x.caseExact = true)),
    ),
  },
  { name: 'ignoresFilter', catches: ['discovery.filter-truthful'], fault: ignoreParameter('filter', (r) => isList(r)) },
  { name: 'ignoresCount', catches: ['discovery.max-results'], fault: ignoreParameter('count', (r) => isList(r)) },
  // Users
  { name: 'activeAsStringOnCreate', catches: ['users.create'], fault: answerOf((a, r) => r.method === 'POST' && a.status === 201 && r.path === '/Users', (a) => (a.body.active = String(a.body.active))) },
  { name: 'noLocationHeader', catches: ['users.create.location'], fault: answerOf((a) => a.status === 201, (a) => delete a.headers.location) },
  {
    name: 'refusesApplicationJson',
    catches: ['users.create.application-json'],
    fault: { request: (r) => (r.method === 'POST' && r.headers['content-type']?.startsWith('application/json') ? errorAnswer(415, 'Use application/scim+json') : undefined) },
  },
  { name: 'dropsEnterpriseExtension', catches: ['users.create.entra-shape'], fault: { request: (r) => void (r.method === 'POST' && r.path === '/Users' && delete r.body[ENTERPRISE]) } },
  { name: 'echoesPasswordOnCreate', catches: ['users.create.okta-shape'], fault: answerOf((a, r) => a.status === 201 && typeof r.body?.password === 'string', (a, r) => (a.body.password = r.body.password)) },
  { name: 'conflictWithoutScimType', catches: ['users.create.duplicate'], fault: answerOf((a) => a.status === 409, (a) => delete a.body.scimType) },
  { name: 'getLosesUserName', catches: ['users.get'], alsoFails: ['users.replace'], fault: answerOf((a, r) => a.status === 200 && isOne(r, 'GET'), (a) => delete a.body.userName) },
  { name: 'notFoundWithoutDetail', catches: ['users.get.not-found'], fault: answerOf((a) => a.status === 404, (a) => delete a.body.detail) },
  {
    name: 'notFoundOnNoMatch',
    catches: ['users.filter.no-match'],
    fault: answerOf((a, r) => isList(r) && r.query.has('filter') && a.body?.totalResults === 0, (a) => Object.assign(a, errorAnswer(404, 'No such user'))),
  },
  { name: 'putIgnored', catches: ['users.replace'], fault: pretendDone((r) => isOne(r, 'PUT'), 200) },
  { name: 'userDeleteIgnored', catches: ['users.delete'], fault: pretendDone((r) => isOne(r, 'DELETE'), 204) },
  { name: 'listsHideInactive', catches: ['users.inactive-still-visible'], fault: answerOf((a, r) => isList(r) && a.status === 200, (a) => (a.body.Resources = a.body.Resources.filter((u: any) => u.active !== false))) },
  // Groups
  { name: 'dropsMembersOnCreate', catches: ['groups.create'], fault: { request: (r) => void (r.method === 'POST' && r.path === '/Groups' && delete r.body.members) } },
  { name: 'ignoresExcludedMembers', catches: ['groups.exclude-members'], fault: ignoreParameter('excludedAttributes', (r) => r.path.startsWith('/Groups')) },
  { name: 'groupDeleteIgnored', catches: ['groups.delete'], fault: pretendDone((r) => isOne(r, 'DELETE', 'Groups'), 204) },
  // Filters: each a misreading of one operator or form
  {
    name: 'ignoresUserNameEq',
    catches: ['filter.eq.username'],
    alsoFails: ['filter.eq.username-case-insensitive'],
    fault: ignoreParameter('filter', (r) => isList(r) && /^userName eq "[^"]*"$/.test(r.query.get('filter') ?? '')),
  },
  { name: 'userNameEqCaseSensitive', catches: ['filter.eq.username-case-insensitive'], fault: answerOf((a, r) => isList(r) && /^userName eq "[^"]*"$/.test(r.query.get('filter') ?? ''), (a, r) => (a.body.Resources = a.body.Resources.filter((u: any) => `userName eq ${JSON.stringify(u.userName)}` === r.query.get('filter')))) },
  { name: 'externalIdNotFilterable', catches: ['filter.eq.external-id'], alsoFails: ['filter.and', 'filter.eq.external-id-case-exact'], fault: emptyListWhen((f) => f.startsWith('externalId eq')) },
  { name: 'externalIdEqIgnoresCase', catches: ['filter.eq.external-id-case-exact'], fault: filterRewrite((f) => f.replace(/externalId eq ("[^"]*")/g, (_, v: string) => `externalId eq ${v.toLowerCase()}`)) },
  { name: 'eqFalseMatchesAll', catches: ['filter.eq.boolean'], alsoFails: ['filter.grouping', 'filter.precedence'], fault: filterRewrite((f) => f.replace(/active eq false/g, 'active pr')) },
  { name: 'neAsEq', catches: ['filter.ne'], fault: filterRewrite((f) => f.replace(/ ne /g, ' eq ')) },
  { name: 'coAsSw', catches: ['filter.co'], alsoFails: ['filter.value-path.complex'], fault: filterRewrite((f) => f.replace(/ co /g, ' sw ')) },
  { name: 'swAsEw', catches: ['filter.sw'], fault: filterRewrite((f) => (/^userName sw "[^"]*"$/.test(f) ? f.replace(' sw ', ' ew ') : f)) },
  { name: 'ewAsSw', catches: ['filter.ew'], fault: filterRewrite((f) => f.replace(/ ew /g, ' sw ')) },
  { name: 'gtAsGe', catches: ['filter.gt'], fault: filterRewrite((f) => f.replace(/ gt /g, ' ge ')) },
  { name: 'geAsGt', catches: ['filter.ge'], fault: filterRewrite((f) => f.replace(/ ge /g, ' gt ')) },
  { name: 'ltAsLe', catches: ['filter.lt'], fault: filterRewrite((f) => f.replace(/ lt /g, ' le ')) },
  { name: 'leAsLt', catches: ['filter.le'], fault: filterRewrite((f) => f.replace(/ le /g, ' lt ')) },
  { name: 'prMatchesAll', catches: ['filter.pr'], fault: filterRewrite((f) => f.replace(/\b\w+ pr\b/g, 'userName pr')) },
  { name: 'andAsOr', catches: ['filter.and'], fault: filterRewrite((f) => (/^externalId eq "[^"]*" and userName eq "[^"]*"$/.test(f) ? f.replace(' and ', ' or ') : f)) },
  { name: 'dropsBooleanConjunct', catches: ['filter.and.mixed-types'], fault: filterRewrite((f) => f.replace(/ and active eq true/g, '')) },
  { name: 'orAsAnd', catches: ['filter.or'], fault: filterRewrite((f) => (/^userName eq "[^"]*" or userName eq "[^"]*"$/.test(f) ? f.replace(' or ', ' and ') : f)) },
  { name: 'ignoresNot', catches: ['filter.not'], fault: filterRewrite((f) => f.replace(/\bnot \(/g, '(')) },
  { name: 'leftToRight', catches: ['filter.precedence'], fault: filterRewrite((f) => (/ or .* and /.test(f) && !f.startsWith('(') ? `(${f.replace(/ and /, ') and ')}` : f)) },
  { name: 'ignoresParentheses', catches: ['filter.grouping'], fault: filterRewrite((f) => (f.startsWith('(') ? f.replace(/[()]/g, '') : f)) },
  { name: 'ignoresValuePathFilter', catches: ['filter.value-path.entra'], fault: filterRewrite((f) => f.replace(/emails\[[^\]]*\]\.value/g, 'emails.value')) },
  { name: 'valuePathKeepsLastCondition', catches: ['filter.value-path.complex'], fault: filterRewrite((f) => f.replace(/\[[^\]]* and ([^\]]*)\]/g, '[$1]')) },
  { name: 'subAttributeMatchesNothing', catches: ['filter.sub-attribute'], fault: emptyListWhen((f) => f.includes('name.givenName')) },
  { name: 'extensionFilterMatchesNothing', catches: ['filter.enterprise'], fault: emptyListWhen((f) => f.includes(ENTERPRISE)) },
  {
    name: 'ignoresMalformedFilter',
    catches: ['filter.invalid'],
    fault: {
      request(r) {
        const filter = r.query.get('filter');
        if (filter === null) return;
        try {
          parseFilter(filter);
        } catch {
          r.query.delete('filter');
        }
      },
    },
  },
  { name: 'ignoresGroupFilter', catches: ['filter.groups.display-name'], fault: ignoreParameter('filter', (r) => isList(r, 'Groups')) },
  // PATCH: each an operation form the server drops or misreads
  { name: 'dropsValuePathReplace', catches: ['patch.entra.replace-value-path'], fault: patchOps((ops) => ops.filter((op) => !pathOf(op).startsWith('emails['))) },
  { name: 'dropsAddThatCreatesElement', catches: ['patch.entra.add-value-path-creates-element'], fault: patchOps((ops) => ops.filter((op) => !pathOf(op).startsWith('phonenumbers['))) },
  { name: 'dropsStringBooleans', catches: ['patch.entra.string-booleans'], fault: patchOps((ops) => ops.filter((op) => !(pathOf(op) === 'active' && typeof op.value === 'string'))) },
  { name: 'dropsActiveReplace', catches: ['patch.entra-flag.boolean-disable'], fault: patchOps((ops) => ops.filter((op) => !(pathOf(op) === 'active' && op.value === false))) },
  {
    name: 'dropsDottedKeys',
    catches: ['patch.entra-flag.pathless-dotted-keys'],
    fault: patchOps((ops) => ops.map((op) => (op.path === undefined && op.value && typeof op.value === 'object' ? { ...op, value: Object.fromEntries(Object.entries(op.value).filter(([k]) => !k.includes('.'))) } : op))),
  },
  { name: 'dropsManagerById', catches: ['patch.entra.manager-plain-id'], fault: patchOps((ops) => ops.filter((op) => !(pathOf(op).endsWith(':manager') && typeof op.value === 'string' && op.value !== ''))) },
  { name: 'ignoresClearing', catches: ['patch.entra.single-value-add-and-clear'], alsoFails: ['patch.entra.manager-forms'], fault: patchOps((ops) => ops.filter((op) => !(op.value === '' || op.value === null))) },
  { name: 'dropsManagerReferenceArray', catches: ['patch.entra.manager-forms'], fault: patchOps((ops) => ops.filter((op) => pathOf(op) !== 'manager')) },
  { name: 'parsesStringifiedRoles', catches: ['patch.entra.role-stringified-json'], fault: patchOps((ops) => ops.map((op) => (pathOf(op) === 'roles' ? { ...op, value: op.value.map((r: any) => ({ value: JSON.parse(r.value).value })) } : op))) },
  { name: 'echoesPasswordOnPatch', catches: ['patch.okta.password-sync'], fault: answerOf((a, r) => r.method === 'PATCH' && a.status === 200 && r.body?.Operations?.[0]?.value?.password, (a, r) => (a.body.password = r.body.Operations[0].value.password)) },
  { name: 'dropsRemove', catches: ['patch.rfc.remove-attribute'], fault: patchOps((ops) => ops.filter((op) => !(opIs(op, 'remove') && pathOf(op) === 'title'))) },
  { name: 'noTargetAsInvalidValue', catches: ['patch.rfc.remove-without-path'], fault: answerOf((a) => a.body?.scimType === 'noTarget', (a) => (a.body.scimType = 'invalidValue')) },
  { name: 'dropsPathlessActive', catches: ['patch.okta.deactivate-pathless'], fault: patchOps((ops) => ops.filter((op) => !(op.path === undefined && op.value && 'active' in op.value))) },
  { name: 'dropsMemberRemoveByValue', catches: ['patch.entra.members-add-remove'], fault: patchOps((ops) => ops.filter((op) => !(opIs(op, 'remove') && pathOf(op) === 'members'))) },
  { name: 'dropsMemberRemoveByFilter', catches: ['patch.entra-flag.member-remove-filter'], alsoFails: ['patch.okta.members-remove-and-add'], fault: patchOps((ops) => ops.filter((op) => !(opIs(op, 'remove') && pathOf(op).startsWith('members[')))) },
  { name: 'appliesOnlyFirstOperation', catches: ['patch.okta.members-remove-and-add'], alsoFails: ['patch.entra.replace-value-path'], fault: patchOps((ops) => ops.slice(0, 1)) },
  { name: 'replaceMembersAppends', catches: ['patch.okta.members-replace'], fault: patchOps((ops) => ops.map((op) => (opIs(op, 'replace') && pathOf(op) === 'members' ? { ...op, op: 'add' } : op))) },
  { name: 'dropsPathlessRename', catches: ['patch.group-rename'], fault: patchOps((ops, r) => (r.path.startsWith('/Groups/') ? ops.filter((op) => op.path !== undefined) : ops)) },
  // Paging and sorting
  { name: 'ignoresStartIndex', catches: ['paging.index.complete'], fault: ignoreParameter('startIndex', (r) => isList(r)) },
  { name: 'cursorEndsEarly', catches: ['paging.cursor.stable-while-changing'], fault: answerOf((a, r) => isList(r) && r.query.has('cursor') && a.status === 200, (a) => delete a.body.nextCursor) },
  { name: 'unknownCursorRestarts', catches: ['paging.cursor.invalid'], fault: { request: (r) => void (isList(r) && r.query.get('cursor')?.startsWith('not-a-cursor') && r.query.set('cursor', '')) } },
  { name: 'sortsByAnotherAttribute', catches: ['sort.username.ascending'], alsoFails: ['sort.username.descending'], fault: { request: (r) => void (isList(r) && r.query.get('sortBy') === 'userName' && r.query.set('sortBy', 'title')) } },
  { name: 'ignoresSortOrder', catches: ['sort.username.descending'], fault: ignoreParameter('sortOrder', (r) => isList(r)) },
  // Projection
  { name: 'ignoresAttributes', catches: ['projection.attributes'], fault: ignoreParameter('attributes', (r) => isOne(r, 'GET')) },
  { name: 'ignoresExcludedAttributes', catches: ['projection.excluded-attributes'], fault: ignoreParameter('excludedAttributes', (r) => isOne(r, 'GET')) },
  { name: 'projectsWholeParent', catches: ['projection.list-sub-attribute'], fault: { request: (r) => void (isList(r) && r.query.get('attributes') === 'name.givenName' && r.query.set('attributes', 'name')) } },
  // ETags
  { name: 'noETagHeader', catches: ['etag.version'], fault: answerOf(() => true, (a) => delete a.headers.etag) },
  { name: 'ignoresIfMatch', catches: ['etag.if-match'], fault: { request: (r) => void delete r.headers['if-match'] } },
  { name: 'ignoresIfNoneMatch', catches: ['etag.if-none-match'], fault: { request: (r) => void delete r.headers['if-none-match'] } },
  // Bulk
  {
    name: 'dropsBulkIdReferences',
    catches: ['bulk.create-with-bulk-id'],
    fault: {
      request(r) {
        if (r.path !== '/Bulk') return;
        for (const op of r.body.Operations) if (Array.isArray(op.data?.members)) op.data.members = op.data.members.filter((m: any) => !String(m.value).startsWith('bulkId:'));
      },
    },
  },
  { name: 'ignoresFailOnErrors', catches: ['bulk.fail-on-errors'], fault: { request: (r) => void (r.path === '/Bulk' && delete r.body.failOnErrors) } },
  // Latency (a real delay: Okta's 600 ms budget for GET /Groups)
  {
    name: 'slowGroupListing',
    catches: ['latency.okta-groups'],
    fault: { delayMs: (r) => (isList(r, 'Groups') ? 700 : 0) },
  },
];

/** The token the fault acceptsAnyBearerToken swaps in; the test sets it per server. */
export const GOOD_TOKEN = { value: '' };
