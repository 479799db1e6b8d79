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
 * Holds a read-modify-write between its read and its write until another one has read too (or
 * none is left that could), so concurrent member changes surely overlap however slow the machine:
 * the race is forced by events, not left to a sleep. Shared by every store wrapped below, so the
 * two replicas of one test race each other.
 */
class OverlappingReads {
  private reads = 0;
  private unread = 0;
  private readonly waiting = new Set<() => void>();

  /** Call on entry; then `read()` once the read is done, and `done()` at the end. */
  enter(): { read(): Promise<void>; done(): void } {
    this.unread++;
    let mine = 0;
    return {
      read: () => {
        this.unread--;
        mine = ++this.reads;
        this.wake();
        return new Promise<void>((resolve) => {
          const check = () => {
            if (this.reads > mine || this.unread === 0) {
              this.waiting.delete(check);
              resolve();
            }
          };
          this.waiting.add(check);
          check();
        });
      },
      done: () => {
        if (mine === 0) this.unread--; // it failed before its read: nobody waits for it
        this.wake();
      },
    };
  }

  private wake(): void {
    for (const check of [...this.waiting]) check();
  }
}

const overlapping = new OverlappingReads();

/**
 * Changes a group's members the naive way: read the group, wait for another change to read it
 * too, write the whole member list back. Two replicas doing this at once lose each other's
 * changes, which the replica-race suite must notice.
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
        const turn = overlapping.enter();
        try {
          const before = await target.getResource(directoryId, type, id, true);
          await turn.read();
          const stale = (before?.membership ?? []).map((m) => ({ value: m.value, type: m.type }));
          return await target.patchResource(directoryId, type, id, (current) => {
            const outcome = change(current);
            const members = applyMemberChanges(stale, outcome.memberChanges).map((m) => ({ value: String(m.value), ...(m.type ? { type: m.type as 'User' | 'Group' } : {}) }));
            return { data: outcome.data, memberChanges: outcome.memberChanges.length ? [{ op: 'replace', members }] : [] };
          }, options);
        } finally {
          turn.done();
        }
      };
    },
  });
}
