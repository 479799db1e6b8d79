import { matchesElement } from '../filter/evaluate.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { modelFor } from '../schema/resource-models.js';
import type { MemberChange } from './apply-patch.js';

/**
 * Applies membership changes, in order, to a group's member list held in memory: what the store
 * does in its membership table, for a client that must send a group's whole member list (PUT).
 * Members keep the fields the server gave them; a member added twice is listed once.
 */
export function applyMemberChanges(members: JsonObject[], changes: MemberChange[]): JsonObject[] {
  let list = members.filter((m) => typeof m.value === 'string');
  const parent = { name: 'members', def: modelFor('Group').core.attributes.find((a) => a.name === 'members') };
  for (const change of changes) {
    switch (change.op) {
      case 'add': {
        const present = new Set(list.map((m) => m.value));
        for (const ref of change.members) if (!present.has(ref.value)) (present.add(ref.value), list.push(refOf(ref)));
        break;
      }
      case 'remove': {
        const gone = new Set(change.ids);
        list = list.filter((m) => !gone.has(m.value as string));
        break;
      }
      case 'replace':
        list = change.members.map(refOf);
        break;
      case 'removeWhere':
        list = list.filter((m) => !matchesElement(change.filter, { value: m.value ?? '', type: m.type ?? 'User', display: m.display ?? '' }, parent));
        break;
    }
  }
  return list.filter(isJsonObject);
}

function refOf(ref: { value: string; type?: string }): JsonObject {
  return ref.type ? { value: ref.value, type: ref.type } : { value: ref.value };
}
