import { randomUUID } from 'node:crypto';
import { resourceNotFound } from '../scim/errors.js';
import type { FilterLimits } from '../scim/filter/parser.js';
import { printFilter } from '../scim/filter/printer.js';
import type { JsonObject } from '../scim/json.js';
import { parseListQuery, type ListQuery, type PagingSettings } from '../scim/list/list-query.js';
import { listResponse, listResponseText } from '../scim/list/list-response.js';
import { JsonText } from '../scim/json-text.js';
import { applyPatch } from '../scim/patch/apply-patch.js';
import { parsePatchRequest } from '../scim/patch/patch-request.js';
import { matchesVersion, type EntityTagCondition } from '../scim/resource/etag.js';
import { normalizeResource } from '../scim/resource/normalize.js';
import { applyProjection, includesMembership, keepsWholeRepresentation, parseProjection, type Projection, type ProjectionLimits } from '../scim/resource/projection.js';
import { representationText } from '../scim/resource/representation-text.js';
import { etagOf, toRepresentation, type StoredResource } from '../scim/resource/representation.js';
import { modelFor, type ResourceModel, type ResourceTypeName } from '../scim/schema/resource-models.js';
import { formatAttrPath } from '../scim/path/attr-path.js';
import type { SecretProbe, Store, WriteOptions } from '../store/store.js';
import { CursorCodec, queryIdentity } from './cursor-codec.js';
import { searchAllTypes } from './all-types-search.js';
import { ResponseBudget } from './response-budget.js';

/** Who is asking and where: the directory the secret selected, and the base URL for locations. */
export interface RequestContext {
  directoryId: string;
  baseUrl: string;
  now: Date;
  /** Set when the request was accepted on a cached secret not yet confirmed: reads check it as they go. */
  secretProbe?: SecretProbe;
}

/** Query parameters that shape a single-resource response. */
export interface ProjectionParams {
  attributes?: unknown;
  excludedAttributes?: unknown;
}

export interface ResourceResponse {
  /** Undefined when the response carries no body (a group PATCH answered 204). */
  body?: JsonObject;
  etag: string;
  location: string;
}

/** A GET's answer: its body is text when spliced from the stored document (representation-text.ts). */
export interface ReadResponse extends Omit<ResourceResponse, 'body'> {
  body: JsonObject | JsonText;
}

export interface ServiceSettings {
  paging: PagingSettings;
  filterLimits: FilterLimits;
  maxPatchOperations: number;
  /** Most entries in attributes plus excludedAttributes. */
  maxProjectionEntries: number;
  /** Largest body a read (GET, list, search) builds, in bytes; 0 for no cap. */
  maxResponseBytes: number;
}

/**
 * The SCIM operations on one directory's resources: parse with the protocol core, make one store
 * call, and shape the answer. Knows nothing of HTTP.
 */
export class ResourceService {
  constructor(
    private readonly store: Store,
    private readonly settings: ServiceSettings,
    private readonly cursors: CursorCodec,
  ) {}

  async create(ctx: RequestContext, type: ResourceTypeName, body: unknown, params: ProjectionParams): Promise<ResourceResponse> {
    const model = modelFor(type);
    const projection = parseProjection(model, params.attributes, params.excludedAttributes, this.projectionLimits());
    const input = normalizeResource(model, body);
    const created = await this.store.createResource(
      ctx.directoryId,
      type,
      { id: randomUUID(), data: input.data, ...(input.members ? { members: input.members } : {}) },
      { now: ctx.now.toISOString() },
    );
    return this.respond(ctx, model, created, projection);
  }

  async get(ctx: RequestContext, type: ResourceTypeName, id: string, params: ProjectionParams): Promise<ReadResponse> {
    const model = modelFor(type);
    const projection = parseProjection(model, params.attributes, params.excludedAttributes, this.projectionLimits());
    const resource = await this.store.getResource(ctx.directoryId, type, id, includesMembership(model, projection), ctx.secretProbe);
    if (!resource) throw resourceNotFound(type, id);
    const text = keepsWholeRepresentation(model, projection) ? representationText(model, resource, ctx.baseUrl) : undefined;
    if (text !== undefined) {
      new ResponseBudget(this.settings.maxResponseBytes).addText(text);
      return { body: new JsonText(text), etag: etagOf(resource.version), location: `${ctx.baseUrl}${model.endpoint}/${resource.id}` };
    }
    const response = this.shape(ctx, model, resource, projection);
    new ResponseBudget(this.settings.maxResponseBytes).add(response.body);
    return response;
  }

  /** The current entity tag, for answering `If-None-Match` without building the body. */
  async notModified(ctx: RequestContext, type: ResourceTypeName, id: string, condition: EntityTagCondition): Promise<string | undefined> {
    const resource = await this.store.getResource(ctx.directoryId, type, id, false, ctx.secretProbe);
    if (!resource) throw resourceNotFound(type, id);
    return matchesVersion(condition, resource.version) ? etagOf(resource.version) : undefined;
  }

  async replace(
    ctx: RequestContext,
    type: ResourceTypeName,
    id: string,
    body: unknown,
    ifMatch: EntityTagCondition | undefined,
    params: ProjectionParams,
  ): Promise<ResourceResponse> {
    const model = modelFor(type);
    const projection = parseProjection(model, params.attributes, params.excludedAttributes, this.projectionLimits());
    const input = normalizeResource(model, body);
    const replaced = await this.store.replaceResource(ctx.directoryId, type, id, input, writeOptions(ctx, ifMatch));
    return this.respond(ctx, model, replaced, projection);
  }

  /**
   * Applies a PatchOp atomically. Users get their updated representation; groups answer 204
   * unless the client asked for attributes, because a group body can hold a million members.
   */
  async patch(
    ctx: RequestContext,
    type: ResourceTypeName,
    id: string,
    body: unknown,
    ifMatch: EntityTagCondition | undefined,
    params: ProjectionParams,
  ): Promise<ResourceResponse> {
    const model = modelFor(type);
    const projection = parseProjection(model, params.attributes, params.excludedAttributes, this.projectionLimits());
    const operations = parsePatchRequest(body, model, this.settings.maxPatchOperations);
    const change = (current: StoredResource) => applyPatch(model, id, current.data, operations);
    const result = await this.store.patchResource(ctx.directoryId, type, id, change, writeOptions(ctx, ifMatch));
    const location = `${ctx.baseUrl}${model.endpoint}/${id}`;
    const wantsBody = type === 'User' || projection.attributes !== undefined || projection.excluded !== undefined;
    if (!wantsBody) return { etag: etagOf(result.resource.version), location };
    return this.respond(ctx, model, result.resource, projection);
  }

  async delete(ctx: RequestContext, type: ResourceTypeName, id: string, ifMatch: EntityTagCondition | undefined): Promise<void> {
    await this.store.deleteResource(ctx.directoryId, type, id, writeOptions(ctx, ifMatch));
  }

  /** POST /.search at the server root: Users and Groups together (all-types-search.ts). */
  searchAllTypes(ctx: RequestContext, params: JsonObject): Promise<JsonObject> {
    return searchAllTypes(this.store, this.settings, ctx, params);
  }

  /** GET on a collection or POST /.search on it: a ListResponse page. */
  async list(ctx: RequestContext, type: ResourceTypeName, params: Record<string, unknown>): Promise<JsonObject> {
    const { body } = await this.listWithSequence(ctx, type, params);
    return body instanceof JsonText ? (body.parse() as JsonObject) : body;
  }

  /**
   * A ListResponse page and the directory's event sequence read in the same snapshot: the page
   * reflects every event up to `sequence` and none after it (see docs/events.md, bootstrap).
   */
  async listWithSequence(ctx: RequestContext, type: ResourceTypeName, params: Record<string, unknown>): Promise<{ body: JsonObject | JsonText; sequence: number }> {
    const model = modelFor(type);
    const query = parseListQuery(model, params, this.settings.paging, this.settings.filterLimits, this.settings.maxProjectionEntries);
    return this.page(ctx, model, query);
  }

  private async page(ctx: RequestContext, model: ResourceModel, query: ListQuery): Promise<{ body: JsonObject | JsonText; sequence: number }> {
    // Only a cursor page needs the query's identity (a hash of its printed filter and sort).
    const queryId =
      query.cursor === undefined
        ? ''
        : queryIdentity([
            ctx.directoryId,
            model.name,
            query.filter && printFilter(query.filter),
            query.sortBy && formatAttrPath({ ...(query.sortBy.container ? { uri: query.sortBy.container } : {}), attr: query.sortBy.name, ...(query.sortBy.sub ? { sub: query.sortBy.sub.name } : {}) }),
            query.sortOrder,
          ]);
    const decoded = query.cursor ? this.cursors.decode(query.cursor, queryId, ctx.now) : undefined;
    // A cursor walk counts its matches once, on its first page; the cursor carries the total on.
    const carriedTotal = decoded?.total;
    const after = decoded && { key: decoded.key, pk: decoded.pk };
    const result = await this.store.queryResources(ctx.directoryId, model.name, {
      ...(query.filter ? { filter: query.filter } : {}),
      ...(query.sortBy ? { sortBy: query.sortBy } : {}),
      sortOrder: query.sortOrder,
      offset: query.startIndex - 1,
      count: query.count,
      ...(after ? { after } : {}),
      includeMembership: includesMembership(model, query.projection),
      withTotal: carriedTotal === undefined,
      withSequence: true,
      ...(ctx.secretProbe ? { secretProbe: ctx.secretProbe } : {}),
    });
    const total = carriedTotal ?? result.total;
    const sequence = result.sequence ?? 0;
    const budget = new ResponseBudget(this.settings.maxResponseBytes);
    const paging =
      query.cursor !== undefined ? (result.next ? { nextCursor: this.cursors.encode(result.next, queryId, ctx.now, total) } : {}) : { startIndex: query.startIndex };
    if (keepsWholeRepresentation(model, query.projection)) {
      // Each document's stored text is spliced into the page where it can be (representation-text.ts).
      const texts = result.resources.map((resource) =>
        budget.addText(representationText(model, resource, ctx.baseUrl) ?? JSON.stringify(applyProjection(model, toRepresentation(model, resource, ctx.baseUrl), query.projection))),
      );
      return { body: listResponseText(texts, total, paging), sequence };
    }
    const resources = result.resources.map((resource) => budget.add(applyProjection(model, toRepresentation(model, resource, ctx.baseUrl), query.projection)));
    return { body: listResponse(resources, total, paging), sequence };
  }

  private projectionLimits(): ProjectionLimits {
    return { maxEntries: this.settings.maxProjectionEntries, filterLimits: this.settings.filterLimits };
  }

  /** Reads back what a write stored, with membership when the projection shows it and the write did not bring it. */
  private async respond(ctx: RequestContext, model: ResourceModel, resource: StoredResource, projection: Projection): Promise<ResourceResponse> {
    let full = resource;
    if (includesMembership(model, projection) && resource.membership === undefined) {
      full = (await this.store.getResource(ctx.directoryId, model.name, resource.id, true)) ?? resource;
    }
    return this.shape(ctx, model, full, projection);
  }

  private shape(ctx: RequestContext, model: ResourceModel, resource: StoredResource, projection: Projection): ResourceResponse & { body: JsonObject } {
    const representation = toRepresentation(model, resource, ctx.baseUrl);
    return {
      body: applyProjection(model, representation, projection),
      etag: etagOf(resource.version),
      location: `${ctx.baseUrl}${model.endpoint}/${resource.id}`,
    };
  }
}

function writeOptions(ctx: RequestContext, ifMatch: EntityTagCondition | undefined): WriteOptions {
  return ifMatch ? { now: ctx.now.toISOString(), ifMatch } : { now: ctx.now.toISOString() };
}
