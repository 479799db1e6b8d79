import { ScimError } from '../../scim/errors.js';
import { isJsonObject, type JsonObject } from '../../scim/json.js';
import { applyPatch } from '../../scim/patch/apply-patch.js';
import { applyMemberChanges } from '../../scim/patch/member-list.js';
import { parsePatchRequest } from '../../scim/patch/patch-request.js';
import { modelFor } from '../../scim/schema/resource-models.js';
import { PATCH_OP_SCHEMA } from '../../scim/schema/urns.js';
import { ScimClientError } from './client-errors.js';
import type { PatchOperationBody, ResourceEndpoint, ScimClient, ScimObject, WireOperation } from './scim-client.js';
import type { WireFormat } from '../../admin/api-views.js';

export type { WireFormat } from '../../admin/api-views.js';
export const WIRE_FORMATS: readonly WireFormat[] = ['scim', 'entra-legacy'];

/** How many times a PUT is re-read and re-sent when the object changed between the GET and the PUT. */
const PUT_ATTEMPTS = 3;

/**
 * Sends the engine's changes to one existing target object in the form the target takes: a PATCH
 * of just the changes, or, for a target whose ServiceProviderConfig says it has no PATCH (asked
 * when a PATCH is refused with 405 or 501, so targets with PATCH see no extra request), the object
 * read back, changed with the same patch rules as scimd's server, and PUT whole. A group's PUT
 * carries every member the target has, so members the engine does not manage stay.
 */
export class TargetUpdates {
  /**
   * What targets said of PATCH, by base URL, for this process: a target without PATCH pays for one
   * refused PATCH and one discovery read per hour, one with PATCH pays nothing.
   */
  private static readonly learned = new Map<string, { patch: boolean; until: number }>();
  private static readonly REMEMBER_MS = 3_600_000;
  private asking?: Promise<boolean>;

  constructor(
    private readonly client: ScimClient,
    private readonly wireFormat: WireFormat,
  ) {}

  /** The status, and the object when the target's answer carries it (a 200 with a body). */
  async update(endpoint: ResourceEndpoint, id: string, operations: PatchOperationBody[]): Promise<{ status: number; resource?: ScimObject }> {
    if (this.knownWithoutPatch()) return this.replace(endpoint, id, operations);
    try {
      return await this.client.patch(endpoint, id, this.wireFormat === 'entra-legacy' ? entraLegacyOperations(operations) : operations);
    } catch (error) {
      // PATCH refused as such (not the change in it): if the target says it has none, PUT instead.
      if (!(error instanceof ScimClientError && [405, 501].includes(error.status))) throw error;
      this.asking ??= advertisesPatch(this.client).then((patch) => {
        TargetUpdates.learned.set(this.client.baseUrl, { patch, until: Date.now() + TargetUpdates.REMEMBER_MS });
        return patch;
      });
      if (await this.asking) throw error;
      return this.replace(endpoint, id, operations);
    }
  }

  private knownWithoutPatch(): boolean {
    const known = TargetUpdates.learned.get(this.client.baseUrl);
    return known !== undefined && known.until > Date.now() && !known.patch;
  }
  private async replace(endpoint: ResourceEndpoint, id: string, operations: PatchOperationBody[]): Promise<{ status: number; resource?: ScimObject }> {
    const model = modelFor(endpoint === 'Users' ? 'User' : 'Group');
    const parsed = parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }, model);
    for (let attempt = 1; ; attempt++) {
      const current = await this.client.getResource(endpoint, id);
      if (!current) throw new ScimClientError('GET', `/${endpoint}/${id}`, 404, 'the object is gone from the target');
      const version = isJsonObject(current.meta as never) ? (current.meta as JsonObject).version : undefined;
      const body = replacement(model, id, current as JsonObject, parsed);
      try {
        return await this.client.replace(endpoint, id, body, typeof version === 'string' ? version : undefined);
      } catch (error) {
        // Someone changed the object between our GET and PUT: read it again rather than undo their change.
        if (!(error instanceof ScimClientError && error.status === 412) || attempt >= PUT_ATTEMPTS) throw error;
      }
    }
  }
}

/**
 * Whether the target says it takes PATCH. Only a clear `patch.supported: false` turns PATCH off:
 * a target that does not answer the question is sent PATCH, as Entra does.
 */
async function advertisesPatch(client: ScimClient): Promise<boolean> {
  try {
    const config = (await client.request('GET', '/ServiceProviderConfig')).body;
    const patch = isJsonObject(config as never) ? (config as JsonObject).patch : undefined;
    return !(isJsonObject(patch as never) && (patch as JsonObject).supported === false);
  } catch (error) {
    if (error instanceof ScimClientError && (error.status === 401 || error.status === 403)) throw error;
    return true;
  }
}

/** The whole object after the changes, without what the server keeps for itself. */
function replacement(model: ReturnType<typeof modelFor>, id: string, current: JsonObject, operations: ReturnType<typeof parsePatchRequest>): JsonObject {
  const { meta: _meta, groups: _groups, ...document } = current;
  let outcome;
  try {
    outcome = applyPatch(model, id, document, operations);
  } catch (error) {
    if (error instanceof ScimError) throw new ScimClientError('PUT', `/${model.endpoint}/${id}`, error.status, `the change cannot apply to the object the target holds: ${error.detail}`, error.scimType);
    throw error;
  }
  if (!outcome.memberChanges.length) return outcome.data;
  const members = Array.isArray(current.members) ? current.members.filter(isJsonObject) : [];
  return { ...outcome.data, members: applyMemberChanges(members, outcome.memberChanges) };
}

/**
 * Entra's default wire format (idp-behaviour §1.5): `Add`/`Replace`/`Remove`, boolean values as
 * "True"/"False", and a member removal as `Remove` of `members` with the removed values listed.
 */
export function entraLegacyOperations(operations: PatchOperationBody[]): WireOperation[] {
  return operations.map((operation) => {
    const op = operation.op[0].toUpperCase() + operation.op.slice(1);
    const removed = operation.op === 'remove' && operation.path ? memberValues(operation.path) : undefined;
    if (removed) return { op, path: 'members', value: removed.map((value) => ({ value })) };
    const value = typeof operation.value === 'boolean' ? (operation.value ? 'True' : 'False') : operation.value;
    return { ...operation, op, ...(operation.value === undefined ? {} : { value }) };
  });
}

/** The ids in `members[value eq "a" or value eq "b"]`, the engine's own removal path; undefined for any other path. */
function memberValues(path: string): string[] | undefined {
  const match = /^members\[(.*)\]$/.exec(path);
  if (!match) return undefined;
  const terms = match[1].split(' or ');
  const values: string[] = [];
  for (const term of terms) {
    const value = /^value eq ("(?:[^"\\]|\\.)*")$/.exec(term.trim());
    if (!value) return undefined;
    values.push(JSON.parse(value[1]) as string);
  }
  return values;
}
