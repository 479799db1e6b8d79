import type { JsonValue } from '../../scim/json.js';
import type { Change } from './plan.js';

/** The values last sent after a list of changes went through. */
export function applyChanges(sent: Record<string, JsonValue>, changes: Change[]): Record<string, JsonValue> {
  const next = { ...sent };
  for (const change of changes) {
    if (change.to === undefined) delete next[change.path];
    else next[change.path] = change.to;
  }
  return next;
}

/** Only the paths the engine keeps in step. */
export function pickManaged(values: Record<string, JsonValue>, managed: string[]): Record<string, JsonValue> {
  const picked: Record<string, JsonValue> = {};
  for (const path of managed) if (values[path] !== undefined) picked[path] = values[path];
  return picked;
}
