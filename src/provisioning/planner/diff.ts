import { jsonEqual, type JsonValue } from '../../scim/json.js';
import type { PatchOperationBody } from '../client/scim-client.js';
import type { Change } from './plan.js';

/**
 * The changes that take a target from `current` to `desired`, over the paths the mapping
 * manages: a changed or new value is set, a managed path that lost its value is removed. Paths
 * that are not managed are left alone, so a value someone else set on the target survives.
 */
export function diffAttributes(current: Record<string, JsonValue | undefined>, desired: Record<string, JsonValue>, managed: Iterable<string>): Change[] {
  const changes: Change[] = [];
  for (const path of managed) {
    const from = current[path];
    const to = desired[path];
    if (to === undefined && from === undefined) continue;
    if (to !== undefined && from !== undefined && jsonEqual(from, to)) continue;
    const change: Change = { path };
    if (from !== undefined) change.from = from;
    if (to !== undefined) change.to = to;
    changes.push(change);
  }
  return changes;
}

/**
 * PATCH operations for a list of changes, RFC 7644 style: lowercase ops, real JSON values,
 * `replace` for values that change, `add` for new ones, `remove` for cleared ones. Clearing a
 * filtered element's `value` removes the whole element (`emails[type eq "work"]`), since an
 * element without its value means nothing.
 */
export function patchOperations(changes: Change[]): PatchOperationBody[] {
  return changes.map((change) => {
    if (change.to === undefined) {
      const element = /^(.*\])\.value$/.exec(change.path);
      return { op: 'remove', path: element ? element[1] : change.path };
    }
    return { op: change.from === undefined ? 'add' : 'replace', path: change.path, value: change.to };
  });
}
