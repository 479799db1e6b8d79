import { isEmptyObjectValue, isObjectValue, objectMembers, type TextMember } from '../json-object-members.js';
import { coreAttributes, findExtension, type ResourceModel } from '../schema/resource-models.js';
import { documentTextOf } from './stored-document-text.js';
import { memberObject, metaOf, type StoredResource } from './representation.js';

/**
 * The JSON text of `toRepresentation(model, resource, baseUrl)` with no projection applied, made
 * by splicing the document's stored text between the server-maintained parts instead of parsing
 * and re-serialising it. The same members in the same order; undefined when the resource has no
 * stored text or its document holds anything the built representation would treat otherwise
 * (then the caller builds it).
 */
export function representationText(model: ResourceModel, resource: StoredResource, baseUrl: string): string | undefined {
  const text = documentTextOf(resource);
  if (text === undefined) return undefined;
  const members = objectMembers(text);
  if (!members) return undefined;
  const hidden = hiddenNames(model);
  const seen = new Set<string>();
  const extensions: string[] = [];
  let externalId: TextMember | undefined;
  for (const member of members) {
    const key = member.key;
    // Keys the representation sets itself, keys a projection would drop, and repeated keys.
    if (seen.has(key) || RESERVED.has(key) || key === model.membership || hidden.has(key.toLowerCase())) return undefined;
    seen.add(key);
    if (key === 'externalId') externalId = member;
    else if (/^urn:/i.test(key) && isObjectValue(text, member)) {
      // Projection drops an extension left empty (and one with attributes it never returns).
      if (isEmptyObjectValue(text, member)) return undefined;
      const extension = findExtension(model, key);
      if (extension && hidesAttributes(extension.attributes)) return undefined;
      extensions.push(extension?.id ?? key);
    }
  }
  let out = `{"schemas":${JSON.stringify([model.core.id, ...extensions.sort()])},"id":${JSON.stringify(resource.id)}`;
  if (externalId) out += `,"externalId":${text.slice(externalId.valueStart, externalId.end)}`;
  const at = externalId ? members.indexOf(externalId) : members.length;
  if (at > 0) out += `,${text.slice(members[0].start, members[at - 1].end)}`;
  if (at < members.length - 1) out += `,${text.slice(members[at + 1].start, members[members.length - 1].end)}`;
  if (resource.membership) out += `,"${model.membership}":${JSON.stringify(resource.membership.map((m) => memberObject(model, m, baseUrl)))}`;
  return `${out},"meta":${JSON.stringify(metaOf(model, resource, baseUrl))}}`;
}

const RESERVED = new Set(['schemas', 'id', 'meta', '__proto__']);

const hiddenByModel = new Map<ResourceModel, Set<string>>();

/** Core attributes (lower-cased) that a representation without `attributes` leaves out. */
function hiddenNames(model: ResourceModel): Set<string> {
  let names = hiddenByModel.get(model);
  if (!names) {
    names = new Set(coreAttributes(model).filter((a) => a.returned === 'never' || a.returned === 'request').map((a) => a.name.toLowerCase()));
    hiddenByModel.set(model, names);
  }
  return names;
}

function hidesAttributes(attributes: { returned: string }[]): boolean {
  return attributes.some((a) => a.returned === 'never' || a.returned === 'request');
}
