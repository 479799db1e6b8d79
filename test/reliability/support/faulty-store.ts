import type { StoredResource } from '../../../src/scim/resource/representation.js';
import { applyMemberChanges } from '../../../src/scim/patch/member-list.js';
import type { Store } from '../../../src/store/store.js';

/**
 * Deliberately broken stores for the fault demonstrations: each suite must show that its
 * detector fires on a bug of the kind it exists to catch. These live in test/ only, so no
 * switch in the shipped code can turn them on.
 */

/** A listing that silently skips its last item once it has two or more. */
export function listSkippingOneItem(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'queryResources') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<Store['queryResources']>) => {
        const result = await target.queryResources(...args);
        return result.resources.length >= 2 ? { ...result, resources: result.resources.slice(0, -1) } : result;
      };
    },
  });
}

/**
 * Acknowledges a user's creation before it is committed: the create answers at once (and reads of
 * it are served from memory), the real write happens `delayMs` later. A process killed in between
 * loses writes it acknowledged, which the crash-safety suite must notice.
 */
export function acknowledgingUsersBeforeCommit(store: Store, delayMs: number): Store {
  const pending = new Map<string, StoredResource>();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'createResource') {
        return async (...args: Parameters<Store['createResource']>) => {
          const [directoryId, type, resource, options] = args;
          if (type !== 'User') return target.createResource(...args);
          const stored: StoredResource = { id: resource.id, type, data: resource.data, version: 1, created: options.now, lastModified: options.now };
          pending.set(resource.id, stored);
          setTimeout(() => void target.createResource(directoryId, type, resource, options).finally(() => pending.delete(resource.id)), delayMs);
          return stored;
        };
      }
      if (property === 'getResource') {
        return async (...args: Parameters<Store['getResource']>) => {
          const held = pending.get(args[2]);
          return held ? { ...held, ...(args[3] ? { membership: [] } : {}) } : target.getResource(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Changes a group's members the naive way: read the group, wait a moment, write the whole member
 * list back. Two replicas doing this at once lose each other's changes, which the replica-race
 * suite must notice.
 */
export function membersByReadModifyWrite(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'patchResource') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<Store['patchResource']>) => {
        const [directoryId, type, id, change, options] = args;
        if (type !== 'Group') return target.patchResource(...args);
        const before = await target.getResource(directoryId, type, id, true);
        await new Promise((resolve) => setTimeout(resolve, 25));
        const stale = (before?.membership ?? []).map((m) => ({ value: m.value, type: m.type }));
        return target.patchResource(directoryId, type, id, (current) => {
          const outcome = change(current);
          const members = applyMemberChanges(stale, outcome.memberChanges).map((m) => ({ value: String(m.value), ...(m.type ? { type: m.type as 'User' | 'Group' } : {}) }));
          return { data: outcome.data, memberChanges: outcome.memberChanges.length ? [{ op: 'replace', members }] : [] };
        }, options);
      };
    },
  });
}
