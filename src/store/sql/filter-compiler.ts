import { foldCase } from '../../scim/compare.js';
import { invalidFilter } from '../../scim/errors.js';
import type { CompareOp, Filter } from '../../scim/filter/ast.js';
import { operandFor, type Operand } from '../../scim/filter/compare-values.js';
import { formatAttrPath, type AttrPath } from '../../scim/path/attr-path.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { resolveAttribute, resolveSubAttribute, traitsOf, type AttributeTraits, type ResolvedAttribute } from '../../scim/schema/resolve.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlParams } from './sql-params.js';
import { indexedValueFor } from './value-index.js';

/**
 * How one attribute is read in SQL: a single value (a column or a JSON scalar), or a set of
 * elements (a multi-valued attribute, or the membership table) to test with EXISTS.
 */
type Access =
  | { kind: 'scalar'; expr: string; foldedExpr?: string; traits: AttributeTraits; json?: { doc: string; path: string } }
  | { kind: 'constant'; value: string; traits: AttributeTraits }
  | { kind: 'elements'; from: string; where?: string; element: Context; sub?: string; traits: AttributeTraits; whole?: { doc: string; path: string } };

/** Resolves a path to an Access; one for the resource row, one inside an element. */
interface Context {
  access(path: AttrPath, forValuePath: boolean): Access;
  /**
   * An indexed pre-condition implied by `path[.sub] eq value`, when the value index covers the
   * attribute: it lets the database find candidates by index before checking the exact condition.
   */
  indexProbe?(path: AttrPath, sub: string | undefined, value: unknown): string | undefined;
  /** Whether the path names an attribute this resource type does not have, to be read as no value (root searches). */
  undefinedHere?(path: AttrPath): boolean;
}

/** The `sub eq "value"` conditions every element matching the filter must satisfy (its and-chain). */
function requiredEqualities(filter: Filter): { sub: string; value: string }[] {
  if (filter.kind === 'compare' && filter.op === 'eq' && typeof filter.value === 'string' && !filter.path.uri && !filter.path.sub) {
    return [{ sub: filter.path.attr, value: filter.value }];
  }
  if (filter.kind === 'and') return [...requiredEqualities(filter.left), ...requiredEqualities(filter.right)];
  return [];
}

const STRING: AttributeTraits = { type: 'string', caseExact: true, multiValued: false };
const CI_STRING: AttributeTraits = { type: 'string', caseExact: false, multiValued: false };

let aliasCounter = 0;
// Stryker disable next-line ArithmeticOperator: the modulo only keeps alias names short; any distinct numbers do.
const nextAlias = (prefix: string) => `${prefix}${++aliasCounter % 1_000_000}`;

/**
 * Translates a filter into a SQL condition on the resources row `r`. Every operator, logical
 * combination and value path runs in the database; nothing is filtered in memory. Comparisons
 * honour `caseExact`, and hot attributes use indexed columns.
 */
export function compileFilter(filter: Filter, model: ResourceModel, dialect: SqlDialect, params: SqlParams, options: CompileOptions = {}): string {
  return compile(filter, new ResourceContext(model, dialect, params, 'r', options.unknownAttributes === 'absent'), dialect, params);
}

export interface CompileOptions {
  /**
   * `refuse` (default): an attribute the resource type does not define is a 400 invalidFilter.
   * `absent`: it has no value, as RFC 7644 §3.4.2 requires of a search across resource types, so
   * `pr`, `eq "x"` and value filters on it are false and `ne "x"` is true.
   */
  unknownAttributes?: 'refuse' | 'absent';
}

/** A comparison on an attribute that has no value. */
function absentComparison(op: CompareOp, value: unknown): string {
  if (value === null) return op === 'eq' ? 'TRUE' : 'FALSE';
  return op === 'ne' ? 'TRUE' : 'FALSE';
}

function compile(filter: Filter, context: Context, dialect: SqlDialect, params: SqlParams): string {
  switch (filter.kind) {
    case 'and':
      return `(${compile(filter.left, context, dialect, params)} AND ${compile(filter.right, context, dialect, params)})`;
    case 'or':
      return `(${compile(filter.left, context, dialect, params)} OR ${compile(filter.right, context, dialect, params)})`;
    case 'not':
      return `(NOT COALESCE(${compile(filter.filter, context, dialect, params)}, FALSE))`;
    case 'present': {
      if (context.undefinedHere?.(filter.path)) return 'FALSE';
      return presence(context.access(filter.path, false), dialect);
    }
    case 'compare': {
      if (context.undefinedHere?.(filter.path)) return absentComparison(filter.op, filter.value);
      const access = context.access(filter.path, false);
      const probe = filter.op === 'eq' ? context.indexProbe?.(filter.path, undefined, filter.value) : undefined;
      const label = formatAttrPath(filter.path);
      if (filter.value === null) {
        if (filter.op !== 'eq' && filter.op !== 'ne') throw invalidFilter(`${label} ${filter.op} null is not meaningful`);
        const exists = presence(access, dialect);
        return filter.op === 'eq' ? `(NOT COALESCE(${exists}, FALSE))` : exists;
      }
      const operand = operandFor(filter.op, filter.value, access.traits, label);
      const op = filter.op === 'ne' ? 'eq' : filter.op;
      const condition = existsOrDirect(access, (inner) => compare(inner, op, operand, dialect, params));
      if (filter.op === 'ne') return `(NOT COALESCE(${condition}, FALSE))`;
      return probe ? `(${probe} AND ${condition})` : condition;
    }
    case 'valuePath': {
      if (filter.path.sub) throw invalidFilter(`A value filter cannot follow the sub-attribute ${formatAttrPath(filter.path)}`);
      if (context.undefinedHere?.(filter.path)) return 'FALSE';
      const access = context.access(filter.path, true);
      if (access.kind !== 'elements') throw invalidFilter(`${formatAttrPath(filter.path)} is not multi-valued`);
      const inner = compile(filter.filter, access.element, dialect, params);
      const exists = `EXISTS (SELECT 1 FROM ${access.from} WHERE ${access.where ? `${access.where} AND ` : ''}${inner})`;
      const probe = requiredEqualities(filter.filter)
        .map((equal) => context.indexProbe?.(filter.path, equal.sub, equal.value))
        .find((p) => p !== undefined);
      return probe ? `(${probe} AND ${exists})` : exists;
    }
  }
}

/** For element sets, wraps a condition on one element in EXISTS; scalars are tested directly. */
function existsOrDirect(access: Access, test: (scalar: Exclude<Access, { kind: 'elements' }>) => string): string {
  if (access.kind !== 'elements') return test(access);
  const inner = access.sub === undefined ? 'TRUE' : test(access.element.access({ attr: access.sub }, false) as Exclude<Access, { kind: 'elements' }>);
  return `EXISTS (SELECT 1 FROM ${access.from} WHERE ${access.where ? `${access.where} AND ` : ''}${inner})`;
}

/** Whether an attribute has a value: one of its elements, or the value itself when it is one JSON value of any type. */
function presence(access: Access, dialect: SqlDialect): string {
  if (access.kind === 'elements' && access.whole) return dialect.jsonPresent(access.whole.doc, access.whole.path, nextAlias('p'));
  return existsOrDirect(access, (inner) => present(inner, dialect));
}

/** Present means assigned and, for text, not empty (RFC 7644 §3.4.2.2 "pr"). */
function present(access: Exclude<Access, { kind: 'elements' }>, dialect: SqlDialect): string {
  if (access.kind === 'constant') return 'TRUE';
  if (access.traits.open && access.json) {
    // A value of unknown type: any JSON value but the empty string, an empty array or object.
    return dialect.jsonPresent(access.json.doc, access.json.path, nextAlias('p'));
  }
  const textual = ['string', 'reference', 'binary', 'dateTime'].includes(access.traits.type);
  return textual ? `(${access.expr} IS NOT NULL AND ${access.expr} <> '')` : `(${access.expr} IS NOT NULL)`;
}

function compare(access: Exclude<Access, { kind: 'elements' }>, op: Exclude<CompareOp, 'ne'>, operand: Operand, dialect: SqlDialect, params: SqlParams): string {
  if (access.kind === 'constant') {
    if (operand.type !== 'string') return 'FALSE';
    const a = operand.caseExact ? access.value : foldCase(access.value);
    const b = operand.caseExact ? operand.value : foldCase(operand.value);
    const result = op === 'eq' ? a === b : op === 'co' ? a.includes(b) : op === 'sw' ? a.startsWith(b) : op === 'ew' ? a.endsWith(b) : op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : a <= b;
    return result ? 'TRUE' : 'FALSE';
  }
  switch (operand.type) {
    case 'boolean':
      if (access.json) return dialect.jsonBooleanIs(access.json.doc, access.json.path, operand.value);
      return dialect.booleanColumnIs(access.expr, operand.value);
    case 'number': {
      const expr = access.json ? dialect.jsonNumber(access.json.doc, access.json.path) : access.expr;
      return `${expr} ${sqlOperator(op)} ${params.add(operand.value)}`;
    }
    case 'dateTime':
      return `${access.expr} ${sqlOperator(op)} ${params.add(operand.value)}`;
    case 'string': {
      const folded = !operand.caseExact;
      // A value of unknown type matches a string only when it is a JSON string.
      const text = access.traits.open && access.json ? dialect.jsonString(access.json.doc, access.json.path) : access.expr;
      const expr = folded ? (access.foldedExpr ?? dialect.fold(text)) : text;
      const value = params.add(folded ? foldCase(operand.value) : operand.value);
      switch (op) {
        case 'co':
          return dialect.contains(expr, value);
        case 'sw':
          return dialect.startsWith(expr, value);
        case 'ew':
          return dialect.endsWith(expr, value);
        default:
          return `${expr} ${sqlOperator(op)} ${value}`;
      }
    }
  }
}

function sqlOperator(op: CompareOp): string {
  return { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op as 'eq'] ?? '=';
}

/** Attributes of the resource row: indexed columns for the hot ones, JSON for the rest. */
class ResourceContext implements Context {
  constructor(
    private readonly model: ResourceModel,
    private readonly dialect: SqlDialect,
    private readonly params: SqlParams,
    private readonly alias: string,
    private readonly unknownIsAbsent = false,
  ) {}

  undefinedHere(path: AttrPath): boolean {
    return this.unknownIsAbsent && !resolveAttribute(this.model, path);
  }

  access(path: AttrPath, forValuePath: boolean): Access {
    const resolved = resolveAttribute(this.model, path);
    const label = formatAttrPath(path);
    if (!resolved) throw invalidFilter(`Unknown attribute ${label}`);
    const r = this.alias;
    if (!resolved.container) {
      switch (resolved.name) {
        case 'id':
          return { kind: 'scalar', expr: `${r}.id`, traits: STRING };
        case 'externalId':
          return { kind: 'scalar', expr: `${r}.external_id`, traits: STRING };
        case this.model.nameAttribute:
          return { kind: 'scalar', expr: `${r}.name`, foldedExpr: `${r}.name_key`, traits: CI_STRING };
        case 'active':
          return { kind: 'scalar', expr: `${r}.active`, traits: { type: 'boolean', caseExact: false, multiValued: false } };
        case 'meta':
          return this.meta(resolved, label);
        case this.model.membership:
          return this.membership(resolved, forValuePath, label);
      }
    }
    return this.json(resolved, forValuePath, label);
  }

  private meta(resolved: ResolvedAttribute, label: string): Access {
    const dateTime: AttributeTraits = { type: 'dateTime', caseExact: false, multiValued: false };
    switch (resolved.sub?.name) {
      case 'created':
        return { kind: 'scalar', expr: `${this.alias}.created`, traits: dateTime };
      case 'lastModified':
        return { kind: 'scalar', expr: `${this.alias}.last_modified`, traits: dateTime };
      case 'resourceType':
        return { kind: 'constant', value: this.model.name, traits: STRING };
      default:
        throw invalidFilter(`Filtering on ${label} is not supported`);
    }
  }

  private membership(resolved: ResolvedAttribute, forValuePath: boolean, label: string): Access {
    const m = nextAlias('m');
    const x = nextAlias('x');
    const [self, other] = this.model.membership === 'members' ? ['group_pk', 'member_pk'] : ['member_pk', 'group_pk'];
    const element = new MemberContext(x, resolved);
    const sub = resolved.sub?.name ?? (forValuePath ? undefined : 'value');
    if (sub !== undefined && !['value', 'display', 'type'].includes(sub)) throw invalidFilter(`Filtering on ${label} is not supported`);
    const access: Access = {
      kind: 'elements',
      from: `memberships ${m} JOIN resources ${x} ON ${x}.pk = ${m}.${other}`,
      where: `${m}.${self} = ${this.alias}.pk`,
      element,
      // `members.display eq "ADA"` compares as `members[display eq "ADA"]` does: with the sub-attribute's traits.
      traits: { ...(sub === undefined ? STRING : element.access({ attr: sub }).traits), multiValued: true },
    };
    if (sub !== undefined) access.sub = sub;
    return access;
  }

  private json(resolved: ResolvedAttribute, forValuePath: boolean, label: string): Access {
    const doc = `${this.alias}.data`;
    const base = resolved.container ? [resolved.container, resolved.name] : [resolved.name];
    const multiValued = resolved.def?.multiValued ?? false;
    if (multiValued) {
      const e = nextAlias('e');
      const element = new ElementContext(this.dialect.elementDocument(e), this.dialect, this.params, resolved);
      const access: Access = {
        kind: 'elements',
        from: this.dialect.jsonElements(doc, this.pathParam(base), e),
        element,
        traits: traitsOf(resolved),
      };
      const sub = resolved.sub?.name ?? (forValuePath ? undefined : resolved.def?.type === 'complex' ? 'value' : undefined);
      if (sub !== undefined) access.sub = sub;
      else if (!forValuePath) throw invalidFilter(`${label} cannot be compared directly`);
      return access;
    }
    if (forValuePath) throw invalidFilter(`${label} is not multi-valued`);
    if (!resolved.def && !resolved.sub) {
      // An attribute of an unknown extension holds whatever was sent: a scalar or an array of them
      // to compare, or an object, which only `pr` reads (as `whole`).
      const e = nextAlias('e');
      const path = this.pathParam(base);
      const scalars = this.dialect.jsonScalars(doc, path, e);
      const element = new ElementContext(this.dialect.elementDocument(e), this.dialect, this.params, resolved);
      return { kind: 'elements', from: scalars.from, where: scalars.where, element, sub: 'value', traits: traitsOf(resolved), whole: { doc, path } };
    }
    if (resolved.def?.type === 'complex' && !resolved.sub) {
      // Only presence can be asked of a whole complex attribute; comparisons are refused.
      return { kind: 'scalar', expr: this.dialect.jsonType(doc, this.pathParam(base)), traits: { ...traitsOf(resolved), type: 'complex' } };
    }
    const path = resolved.sub ? [...base, resolved.sub.name] : base;
    return jsonScalar(doc, this.pathParam(path), this.dialect, traitsOf(resolved));
  }

  indexProbe(path: AttrPath, sub: string | undefined, value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    const resolved = resolveAttribute(this.model, path);
    if (!resolved || resolved.container || !resolved.def?.multiValued) return undefined;
    const subName = sub === undefined ? (resolved.sub?.name ?? 'value') : resolveSubAttribute(resolved, sub)?.name;
    if (!subName || (sub !== undefined && resolved.sub)) return undefined;
    const indexed = indexedValueFor(this.model.name, resolved.name, subName);
    if (!indexed) return undefined;
    return `${this.alias}.pk IN (SELECT resource_pk FROM resource_values WHERE attribute = ${this.params.add(indexed.key)} AND value_key = ${this.params.add(foldCase(value))})`;
  }

  private pathParam(keys: string[]): string {
    return this.params.add(this.dialect.jsonPath(keys));
  }
}

function jsonScalar(doc: string, path: string, dialect: SqlDialect, traits: AttributeTraits): Access {
  return { kind: 'scalar', expr: dialect.jsonText(doc, path), traits, json: { doc, path } };
}

/** Sub-attributes of one element of a multi-valued JSON attribute. */
class ElementContext implements Context {
  constructor(
    private readonly doc: string,
    private readonly dialect: SqlDialect,
    private readonly params: SqlParams,
    private readonly parent: ResolvedAttribute,
  ) {}

  access(path: AttrPath, forValuePath: boolean): Access {
    if (path.uri !== undefined || path.sub !== undefined || forValuePath) {
      throw invalidFilter(`${formatAttrPath(path)} is not a sub-attribute of ${this.parent.name}`);
    }
    const sub = resolveSubAttribute(this.parent, path.attr);
    if (!sub) throw invalidFilter(`${this.parent.name} has no sub-attribute ${path.attr}`);
    const traits = traitsOf({ name: this.parent.name, sub });
    return jsonScalar(this.doc, this.params.add(this.dialect.jsonPath([sub.name])), this.dialect, traits);
  }
}

/** Sub-attributes of a member (or of a user's group): read from the referenced resource row. */
class MemberContext implements Context {
  constructor(
    private readonly alias: string,
    private readonly parent: ResolvedAttribute,
  ) {}

  access(path: AttrPath): Access {
    const name = path.attr.toLowerCase();
    if (path.uri === undefined && path.sub === undefined) {
      // The schema leaves `value` caseExact false, but an id is matched exactly: folding the
      // column would lose its index (a group's member looked up by id would scan the group).
      if (name === 'value') return { kind: 'scalar', expr: `${this.alias}.id`, traits: STRING };
      // A user's groups are its direct memberships, which the representation shows as "direct".
      if (name === 'type') return this.parent.name === 'groups' ? { kind: 'constant', value: 'direct', traits: CI_STRING } : { kind: 'scalar', expr: `${this.alias}.type`, traits: CI_STRING };
      if (name === 'display') return { kind: 'scalar', expr: `${this.alias}.display`, traits: CI_STRING };
    }
    throw invalidFilter(`Filtering on ${this.parent.name}.${path.attr} is not supported`);
  }
}
