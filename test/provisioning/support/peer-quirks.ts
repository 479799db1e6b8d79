import type { FaultProxy } from './fault-proxy.js';

/**
 * Makes the fault proxy in front of scimd behave like the SCIM apps the engine met in the field
 * (issue 14), so the engine is tested against their quirks on a real HTTP target. Each quirk
 * composes with the ones already set.
 */
export const peerQuirks = {
  /** Jackson: a group POST answers 201 but stores no members (they are stripped before scimd sees them). */
  dropMembersOnPost(proxy: FaultProxy): void {
    const before = proxy.transform;
    proxy.transform = (method, path, body) => {
      const text = before(method, path, body);
      if (method !== 'POST' || !/\/Groups(\?|$)/.test(path)) return text;
      const document = JSON.parse(text) as Record<string, unknown>;
      delete document.members;
      return JSON.stringify(document);
    };
  },

  /** Jackson: every answer about a group shows `members: []`, whatever it holds. */
  hideMembers(proxy: FaultProxy): void {
    const before = proxy.rewrite;
    proxy.rewrite = (method, path, body) => {
      const text = before(method, path, body);
      if (!/\/Groups/.test(path) || text === '') return text;
      const document = JSON.parse(text) as Record<string, any>;
      const hide = (group: Record<string, unknown>) => {
        if (group && typeof group === 'object' && 'displayName' in group) group.members = [];
      };
      if (Array.isArray(document.Resources)) document.Resources.forEach(hide);
      else hide(document);
      return JSON.stringify(document);
    };
  },

  /** Jackson: a removal path `members[value eq "a" or value eq "b"]` removes only the first member. */
  firstTermOfOr(proxy: FaultProxy): void {
    const before = proxy.transform;
    proxy.transform = (method, path, body) => {
      const text = before(method, path, body);
      if (method !== 'PATCH' || !/\/Groups\//.test(path)) return text;
      const document = JSON.parse(text) as { Operations: { path?: string }[] };
      for (const operation of document.Operations) {
        if (operation.path) operation.path = operation.path.replace(/^(members\[value eq "[^"]*")( or [^\]]*)\]$/, '$1]');
      }
      return JSON.stringify(document);
    };
  },

  /**
   * Jackson's lists: a page holds at most `cap` resources whatever `count` asks (its database page
   * limit), totalResults is that page's length, and cursors are unknown (no nextCursor).
   */
  pageLengthAsTotal(proxy: FaultProxy, cap: number): void {
    const before = proxy.rewrite;
    proxy.rewrite = (method, path, body) => {
      const text = before(method, path, body);
      if (method !== 'GET' || !/\/(Users|Groups)(\?|$)/.test(path) || text === '') return text;
      const document = JSON.parse(text) as Record<string, unknown>;
      if (!Array.isArray(document.Resources)) return text;
      const resources = document.Resources.slice(0, cap);
      delete document.nextCursor;
      return JSON.stringify({ ...document, Resources: resources, totalResults: resources.length, itemsPerPage: resources.length, startIndex: Number(new URL(path, 'http://x').searchParams.get('startIndex') ?? 1) });
    };
  },

  /** Jackson's Groups list: the same first page whatever startIndex (or a cursor) asks for. */
  groupsListFromTheStart(proxy: FaultProxy): void {
    const before = proxy.retarget;
    proxy.retarget = (method, path) => {
      const target = before(method, path);
      if (method !== 'GET' || !/\/Groups\?/.test(target)) return target;
      return target.replace(/([?&])(startIndex|cursor)=[^&]*/g, '$1').replace(/&&+/g, '&').replace(/[?&]+$/, '').replace(/\?&/, '?');
    };
  },

  /** better-auth: more than `max` members in one request is refused with 400. */
  memberCap(proxy: FaultProxy, max: number): void {
    const before = proxy.refuse;
    proxy.refuse = (method, path, body) => {
      const earlier = before(method, path, body);
      if (earlier || !/\/Groups/.test(path) || (method !== 'POST' && method !== 'PATCH' && method !== 'PUT')) return earlier;
      if (countMembers(JSON.parse(body)) > max) return { status: 400, detail: 'One or more Group members are invalid' };
      return undefined;
    };
  },

  /** A server with a body limit (scimd --body-limit): 413 above `bytes`. */
  bodyLimit(proxy: FaultProxy, bytes: number): void {
    const before = proxy.refuse;
    proxy.refuse = (method, path, body) => before(method, path, body) ?? (Buffer.byteLength(body) > bytes ? { status: 413, detail: `the body is larger than ${bytes} bytes` } : undefined);
  },
};

/** Members a request carries: in the resource (POST, PUT) or in its PATCH operations' values and paths. */
function countMembers(document: Record<string, any>): number {
  if (Array.isArray(document.members)) return document.members.length;
  let count = 0;
  for (const operation of document.Operations ?? []) {
    if (Array.isArray(operation.value)) count += operation.value.length;
    else if (operation.value && Array.isArray(operation.value.members)) count += operation.value.members.length;
    else if (typeof operation.path === 'string' && operation.path.startsWith('members[')) count += 1;
  }
  return count;
}
