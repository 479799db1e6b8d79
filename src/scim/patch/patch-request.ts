import { invalidSyntax, invalidValue, tooMany } from '../errors.js';
import { findKey, isJsonObject } from '../json.js';
import type { ResourceModel } from '../schema/resource-models.js';
import { PATCH_OP_SCHEMA } from '../schema/urns.js';
import { parsePatchPath, type PatchPath } from './patch-path.js';

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  path?: PatchPath;
  value?: unknown;
  /** Position in the request, for error messages. */
  index: number;
}

/**
 * Parses a PatchOp message. `op` is matched case-insensitively because Entra sends
 * `Add`/`Replace`/`Remove`; `Operations` is matched case-insensitively too.
 */
export function parsePatchRequest(body: unknown, model: ResourceModel, maxOperations = 1000): PatchOperation[] {
  if (!isJsonObject(body)) throw invalidSyntax('The PATCH body must be a JSON object');
  const schemasKey = findKey(body, 'schemas');
  if (schemasKey !== undefined) {
    const schemas = body[schemasKey];
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
      throw invalidSyntax(`A PATCH body must list ${PATCH_OP_SCHEMA} in schemas`);
    }
  }
  const opsKey = findKey(body, 'Operations');
  const operations = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('A PATCH body needs a non-empty "Operations" array');
  }
  if (operations.length > maxOperations) throw tooMany(`A PATCH may carry at most ${maxOperations} operations`);
  return operations.map((raw, index) => {
    const label = `Operation ${index + 1}`;
    if (!isJsonObject(raw)) throw invalidSyntax(`${label} must be an object`);
    const opKey = findKey(raw, 'op');
    const opValue = opKey === undefined ? undefined : raw[opKey];
    const op = typeof opValue === 'string' ? opValue.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw invalidSyntax(`${label}: "op" must be add, replace or remove`);
    }
    const pathKey = findKey(raw, 'path');
    const pathValue = pathKey === undefined ? undefined : raw[pathKey];
    if (pathValue !== undefined && pathValue !== null && typeof pathValue !== 'string') {
      throw invalidSyntax(`${label}: "path" must be a string`);
    }
    const valueKey = findKey(raw, 'value');
    const operation: PatchOperation = { op, index };
    if (typeof pathValue === 'string' && pathValue.trim() !== '') operation.path = parsePatchPath(pathValue, model);
    if (valueKey !== undefined) operation.value = raw[valueKey];
    if (op !== 'remove' && !('value' in operation)) throw invalidValue(`${label}: "${op}" needs a value`);
    return operation;
  });
}
