import { isEmptyObjectValue, isObjectValue, objectMembers, type TextMember } from '../json-object-members.js';
import { coreAttributes, findExtension, type ResourceModel } from '../schema/resource-models.js';
import { documentTextOf } from './stored-document-text.js';
import { etagOf, memberObject, type StoredResource } from './representation.js';

/**
 * The JSON text of `toRepresentation(model, resource, baseUrl)` with no projection applied, made
 * by splicing the document's stored text between the server-maintained parts instead of parsing
 * and re-serialising it: the same members in the same order, byte for byte when the stored text
 * is JSON.stringify's. Undefined when the resource has no stored text or its document holds
 * anything the built representation would treat otherwise (then the caller builds it).
 */
export function representationText(model: ResourceModel, resource: StoredResource, baseUrl: string): string | undefined {
  const text = documentTextOf(resource);
  if (text === undefined) return undefined;
  const members = objectMembers(text);
  if (!members) return undefined;
  const traits = traitsOf(model);
  let extensions: string[] | undefined;
  let externalId: TextMember | undefined;
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    const key = member.key;
    // Keys the representation sets itself, keys a projection would drop, and repeated keys.
    if (traits.reserved.has(key) || (key.length === traits.hiddenLength && key.toLowerCase() === traits.hidden)) return undefined;
    for (let j = 0; j < i; j++) if (members[j].key === key) return undefined;
    if (key === 'externalId') externalId = member;
    else if (isUrn(key) && isObjectValue(text, member)) {
      // Projection drops an extension left empty (and the attributes an extension never returns).
      if (isEmptyObjectValue(text, member)) return undefined;
      const extension = findExtension(model, key);
      if (extension && hidesAttributes(extension.attributes)) return undefined;
      (extensions ??= []).push(extension?.id ?? key);
    }
  }
  let out = `{"schemas":${schemasText(model, extensions)},"id":${JSON.stringify(resource.id)}`;
  if (externalId) out += `,"externalId":${text.slice(externalId.valueStart, externalId.end)}`;
  const at = externalId ? members.indexOf(externalId) : members.length;
  if (at > 0) out += `,${text.slice(members[0].start, members[at - 1].end)}`;
  if (at < members.length - 1) out += `,${text.slice(members[at + 1].start, members[members.length - 1].end)}`;
  if (resource.membership) out += `,"${model.membership}":${JSON.stringify(resource.membership.map((m) => memberObject(model, m, baseUrl)))}`;
  // metaOf's members, in its order.
  const location = `${baseUrl}${model.endpoint}/${resource.id}`;
  return `${out},"meta":{"resourceType":"${model.name}","created":${JSON.stringify(resource.created)},"lastModified":${JSON.stringify(resource.lastModified)},"location":${JSON.stringify(location)},"version":${JSON.stringify(etagOf(resource.version))}}}`;
}

/** `/^urn:/i` without a regular expression. */
function isUrn(key: string): boolean {
  return key.length > 4 && (key.charCodeAt(0) | 0x20) === 0x75 && (key.charCodeAt(1) | 0x20) === 0x72 && (key.charCodeAt(2) | 0x20) === 0x6e && key.charCodeAt(3) === 0x3a;
}

interface ModelTraits {
  /** Keys the representation sets itself (and `__proto__`, which an object literal cannot hold). */
  reserved: Set<string>;
  /** The one core attribute a representation without `attributes` leaves out (password), lower-cased. */
  hidden: string;
  hiddenLength: number;
  schemas: Map<string, string>;
}

const traitsByModel = new Map<ResourceModel, ModelTraits>();

function traitsOf(model: ResourceModel): ModelTraits {
  let traits = traitsByModel.get(model);
  if (!traits) {
    const hidden = coreAttributes(model).filter((a) => a.returned === 'never' || a.returned === 'request');
    // The check above is for one name; a model with more must be taught here first.
    if (hidden.length > 1) throw new Error(`${model.name} hides ${hidden.length} attributes; representationText checks one`);
    const name = hidden[0]?.name.toLowerCase() ?? '';
    traits = { reserved: new Set(['schemas', 'id', 'meta', '__proto__', model.membership]), hidden: name, hiddenLength: name.length || -1, schemas: new Map() };
    traitsByModel.set(model, traits);
  }
  return traits;
}

/** The `schemas` array as text, kept per set of extensions (a directory's resources share a few). */
function schemasText(model: ResourceModel, extensions: string[] | undefined): string {
  const schemas = traitsOf(model).schemas;
  const key = extensions ? extensions.sort().join('\n') : '';
  let text = schemas.get(key);
  if (text === undefined) {
    text = JSON.stringify([model.core.id, ...(extensions ?? [])]);
    // Bounded: unknown extension URNs come from clients.
    if (schemas.size < 100) schemas.set(key, text);
  }
  return text;
}

function hidesAttributes(attributes: { returned: string }[]): boolean {
  return attributes.some((a) => a.returned === 'never' || a.returned === 'request');
}
