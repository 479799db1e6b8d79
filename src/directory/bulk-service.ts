import { ScimError, invalidSyntax, invalidValue, payloadTooLarge } from '../scim/errors.js';
import { findKey, isJsonObject, type JsonObject, type JsonValue } from '../scim/json.js';
import { parseEntityTags } from '../scim/resource/etag.js';
import { resourceModels, type ResourceTypeName } from '../scim/schema/resource-models.js';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from '../scim/schema/urns.js';
import type { RequestContext, ResourceService } from './resource-service.js';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface BulkOperation {
  index: number;
  method: Method;
  bulkId?: string;
  path: string;
  data?: unknown;
  version?: string;
}

interface OperationResult {
  method: Method;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: JsonObject;
}

const BULK_REF = /^bulkId:(.+)$/;

/**
 * RFC 7644 §3.7 Bulk. Operations run one by one, each atomic on its own. `bulkId:x` references
 * in paths and values are replaced by the id the operation with that bulkId created; an
 * operation that refers to a later one waits for it, so clients need not order them.
 * Circular or dangling references fail with 409. Processing stops after `failOnErrors` errors.
 */
export class BulkService {
  constructor(
    private readonly resources: ResourceService,
    private readonly maxOperations: number,
  ) {}

  async execute(ctx: RequestContext, body: unknown): Promise<JsonObject> {
    const { operations, failOnErrors } = this.parse(body);
    const results = new Map<number, OperationResult>();
    const created = new Map<string, string>();
    const failedBulkIds = new Set<string>();
    const declared = new Set(operations.map((op) => op.bulkId).filter((id): id is string => id !== undefined));
    let pending = operations;
    let errors = 0;

    while (pending.length && (failOnErrors === undefined || errors < failOnErrors)) {
      const waiting: BulkOperation[] = [];
      for (const op of pending) {
        if (failOnErrors !== undefined && errors >= failOnErrors) break;
        const refs = referencesOf(op);
        const blocked = refs.find((ref) => !created.has(ref));
        if (blocked !== undefined) {
          if (failedBulkIds.has(blocked) || !declared.has(blocked)) {
            results.set(op.index, failure(op, new ScimError(409, `bulkId:${blocked} does not name an operation that succeeded`)));
            if (op.bulkId) failedBulkIds.add(op.bulkId);
            errors++;
          } else {
            waiting.push(op);
          }
          continue;
        }
        const result = await this.run(ctx, op, created);
        results.set(op.index, result);
        if (Number(result.status) >= 400) {
          errors++;
          if (op.bulkId) failedBulkIds.add(op.bulkId);
        }
      }
      if (waiting.length === pending.length) {
        for (const op of waiting) {
          results.set(op.index, failure(op, new ScimError(409, 'The operation is part of a circular bulkId reference')));
          errors++;
        }
        break;
      }
      pending = waiting;
    }

    return {
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: operations.filter((op) => results.has(op.index)).map((op) => results.get(op.index)! as unknown as JsonObject),
    };
  }

  private async run(ctx: RequestContext, op: BulkOperation, created: Map<string, string>): Promise<OperationResult> {
    try {
      const path = substitute(op.path, created) as string;
      const match = /^\/?(Users|Groups)(?:\/([^/]+))?\/?$/i.exec(path);
      if (!match) throw invalidValue(`Unsupported bulk path ${JSON.stringify(op.path)}`);
      const model = resourceModels.find((m) => m.endpoint.slice(1).toLowerCase() === match[1].toLowerCase())!;
      const type: ResourceTypeName = model.name;
      const id = match[2];
      const data = op.data === undefined ? undefined : substitute(op.data as JsonValue, created);
      const ifMatch = parseEntityTags(op.version);
      if (op.method === 'POST') {
        if (id) throw invalidValue('POST paths name a collection, such as /Users');
        const result = await this.resources.create(ctx, type, data, {});
        const newId = String(result.body?.id);
        if (op.bulkId) created.set(op.bulkId, newId);
        return success(op, '201', result.location, result.etag);
      }
      if (!id) throw invalidValue(`${op.method} paths name a resource, such as /Users/{id}`);
      if (op.method === 'DELETE') {
        await this.resources.delete(ctx, type, id, ifMatch);
        return success(op, '204', `${ctx.baseUrl}${model.endpoint}/${id}`);
      }
      const result =
        op.method === 'PUT'
          ? await this.resources.replace(ctx, type, id, data, ifMatch, {})
          : await this.resources.patch(ctx, type, id, data, ifMatch, {});
      return success(op, '200', result.location, result.etag);
    } catch (error) {
      if (error instanceof ScimError) return failure(op, error);
      throw error;
    }
  }

  private parse(body: unknown): { operations: BulkOperation[]; failOnErrors?: number } {
    if (!isJsonObject(body)) throw invalidSyntax('The bulk request must be a JSON object');
    const schemasKey = findKey(body, 'schemas');
    const schemas = schemasKey === undefined ? undefined : body[schemasKey];
    if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase()))) {
      throw invalidSyntax(`A bulk request must list ${BULK_REQUEST_SCHEMA} in schemas`);
    }
    const opsKey = findKey(body, 'Operations');
    const raw = opsKey === undefined ? undefined : body[opsKey];
    if (!Array.isArray(raw) || raw.length === 0) throw invalidSyntax('A bulk request needs a non-empty "Operations" array');
    if (raw.length > this.maxOperations) throw payloadTooLarge(`A bulk request may carry at most ${this.maxOperations} operations`);
    const failKey = findKey(body, 'failOnErrors');
    const failOnErrors = failKey === undefined ? undefined : body[failKey];
    if (failOnErrors !== undefined && failOnErrors !== null && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
      throw invalidValue('failOnErrors must be a positive integer');
    }
    const seen = new Set<string>();
    const operations = raw.map((item, index): BulkOperation => {
      const label = `Bulk operation ${index + 1}`;
      if (!isJsonObject(item)) throw invalidSyntax(`${label} must be an object`);
      const get = (name: string) => {
        const key = findKey(item, name);
        return key === undefined ? undefined : item[key];
      };
      const method = String(get('method') ?? '').toUpperCase();
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw invalidSyntax(`${label}: method must be POST, PUT, PATCH or DELETE`);
      const path = get('path');
      if (typeof path !== 'string' || path === '') throw invalidSyntax(`${label}: path is required`);
      const bulkId = get('bulkId');
      if (bulkId !== undefined && (typeof bulkId !== 'string' || bulkId === '')) throw invalidSyntax(`${label}: bulkId must be a string`);
      if (method === 'POST' && bulkId === undefined) throw invalidSyntax(`${label}: POST needs a bulkId`);
      if (typeof bulkId === 'string') {
        if (seen.has(bulkId)) throw invalidSyntax(`${label}: bulkId ${JSON.stringify(bulkId)} is used twice`);
        seen.add(bulkId);
      }
      const version = get('version');
      const op: BulkOperation = { index, method: method as Method, path };
      if (typeof bulkId === 'string') op.bulkId = bulkId;
      if (get('data') !== undefined) op.data = get('data');
      if (typeof version === 'string') op.version = version;
      return op;
    });
    return typeof failOnErrors === 'number' ? { operations, failOnErrors } : { operations };
  }
}

function referencesOf(op: BulkOperation): string[] {
  const refs = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      const match = BULK_REF.exec(value);
      if (match) refs.add(match[1]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isJsonObject(value)) Object.values(value).forEach(visit);
  };
  op.path.split('/').forEach(visit);
  visit(op.data);
  return [...refs];
}

/** Replaces `bulkId:x` strings (and path segments) by the ids those operations created. */
function substitute(value: JsonValue, created: Map<string, string>): JsonValue {
  if (typeof value === 'string') {
    if (value.includes('/')) return value.split('/').map((part) => substitute(part, created)).join('/');
    const match = BULK_REF.exec(value);
    return match && created.has(match[1]) ? created.get(match[1])! : value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, created));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (k !== '__proto__') out[k] = substitute(v, created);
    return out;
  }
  return value;
}

function success(op: BulkOperation, status: string, location: string, version?: string): OperationResult {
  const result: OperationResult = { method: op.method, status, location };
  if (op.bulkId) result.bulkId = op.bulkId;
  if (version) result.version = version;
  return result;
}

function failure(op: BulkOperation, error: ScimError): OperationResult {
  const result: OperationResult = { method: op.method, status: String(error.status), response: error.toBody() as unknown as JsonObject };
  if (op.bulkId) result.bulkId = op.bulkId;
  return result;
}
