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
