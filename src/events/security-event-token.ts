import type { JsonObject } from '../scim/json.js';
import type { DirectoryEvent } from './event-types.js';

const PROV = 'urn:ietf:params:scim:event:prov';
const FEED = 'urn:ietf:params:scim:event:feed';

export interface SetOptions {
  /** `iss`: the scimd instance, e.g. https://scim.example.com/scim/v2 */
  issuer: string;
  /** Base URL of the SCIM API, for `$ref`s and group (feed) URIs. */
  baseUrl: string;
  /** `full` carries the resource data, `notice` only the names of changed attributes. */
  mode: 'full' | 'notice';
  audience?: string[];
}

/**
 * An event as an RFC 9967 Security Event Token payload (RFC 8417 claims, unsigned): resource
 * events map to `prov:*` events about the resource, and a group membership change maps to
 * `feed:add` / `feed:remove` about the member, with the group as the feed it joined or left.
 * Administration events (secrets, directories) have no SCIM profile equivalent: undefined.
 */
export function toSecurityEventToken(event: DirectoryEvent, options: SetOptions): JsonObject | undefined {
  const events = eventClaims(event, options);
  if (!events) return undefined;
  const isMembership = event.type === 'group.member_added' || event.type === 'group.member_removed';
  const member = isMembership ? (event.data.member as { value: string; type: string }) : undefined;
  const subject = member ? { type: member.type, id: member.value } : event.subject;
  const token: JsonObject = {
    jti: event.id,
    iss: options.issuer,
    iat: Math.floor(Date.parse(event.occurredAt) / 1000),
    txn: event.id,
    sub_id: { format: 'scim', uri: `/${subject.type === 'Group' ? 'Groups' : 'Users'}/${subject.id}` },
    events,
  };
  const audience = [...(options.audience ?? []), ...(member ? [`${options.baseUrl}/Groups/${event.subject.id}`] : [])];
  if (audience.length) token.aud = audience;
  return token;
}

function eventClaims(event: DirectoryEvent, options: SetOptions): JsonObject | undefined {
  const version: JsonObject = event.subject.version === undefined ? {} : { version: `W/"${event.subject.version}"` };
  const attributes = event.data.attributes as JsonObject | undefined;
  switch (event.type) {
    case 'user.created':
    case 'group.created': {
      const schema = event.type === 'user.created' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group';
      return options.mode === 'full'
        ? { [`${PROV}:create:full`]: { ...version, data: { schemas: [schema], id: event.subject.id, ...(attributes ?? {}) } as JsonObject } }
        : { [`${PROV}:create:notice`]: { ...version, attributes: ['id', ...Object.keys(attributes ?? {})] } };
    }
    case 'user.updated':
    case 'group.updated':
    case 'user.deactivated':
    case 'user.reactivated': {
      const changed = (event.data.changed as string[] | undefined) ?? [];
      const claims: JsonObject =
        options.mode === 'full'
          ? { [`${PROV}:patch:full`]: { ...version, data: patchOf(event.data.after as JsonObject | undefined, changed) } }
          : { [`${PROV}:patch:notice`]: { ...version, attributes: changed } };
      if (event.type === 'user.deactivated') claims[`${PROV}:deactivate`] = {};
      if (event.type === 'user.reactivated') claims[`${PROV}:activate`] = {};
      return claims;
    }
    case 'user.deleted':
    case 'group.deleted':
      return { [`${PROV}:delete`]: {} };
    case 'group.member_added':
      return { [`${FEED}:add`]: {} };
    case 'group.member_removed':
      return { [`${FEED}:remove`]: {} };
    default:
      return undefined;
  }
}

/** A PatchOp that turns the old values into the new ones: replace what is set, remove what is gone. */
function patchOf(after: JsonObject | undefined, changed: string[]): JsonObject {
  const operations = changed.map((path): JsonObject => (after && path in after ? { op: 'replace', path, value: after[path] } : { op: 'remove', path }));
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations };
}
