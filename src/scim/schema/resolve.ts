import type { AttrPath } from '../path/attr-path.js';
import { coreAttributes, findAttribute, findExtension, isCoreSchema, type ResourceModel } from './resource-models.js';
import type { AttributeDef } from './types.js';

/**
 * Where an attribute lives in a stored resource and what the schema says about it.
 * `container` is undefined for core attributes (top-level keys) and the schema URN for
 * extension attributes (kept under that URN key). `def` is undefined for attributes of
 * extension schemas scimd does not know: those are stored and returned as sent.
 */
export interface ResolvedAttribute {
  container?: string;
  name: string;
  def?: AttributeDef;
  sub?: { name: string; def?: AttributeDef };
}

/** The characteristics the filter and patch engines need, with defaults for unknown attributes. */
export interface AttributeTraits {
  type: AttributeDef['type'];
  caseExact: boolean;
  multiValued: boolean;
  /**
   * An attribute of an extension scimd does not know: its values are kept as sent, so a value
   * is compared by its own JSON type and a number or boolean literal compares as one.
   */
  open?: boolean;
}

export const OPEN_TRAITS: AttributeTraits = { type: 'string', caseExact: false, multiValued: false, open: true };

/**
 * Resolves a path against a resource model. Returns undefined when the path names an attribute
 * that a known schema does not define. Attributes of a known extension may also be named without
 * their URN when the name is unambiguous, as several clients do.
 */
export function resolveAttribute(model: ResourceModel, path: AttrPath): ResolvedAttribute | undefined {
  let container: string | undefined;
  let def: AttributeDef | undefined;
  if (path.uri === undefined || isCoreSchema(model, path.uri)) {
    def = findAttribute(coreAttributes(model), path.attr);
    if (!def && path.uri === undefined) {
      for (const extension of model.extensions) {
        const found = findAttribute(extension.attributes, path.attr);
        if (found) {
          container = extension.id;
          def = found;
          break;
        }
      }
    }
    if (!def) return undefined;
  } else {
    const extension = findExtension(model, path.uri);
    if (extension) {
      container = extension.id;
      def = findAttribute(extension.attributes, path.attr);
      if (!def) return undefined;
    } else {
      return withSub({ container: path.uri, name: path.attr }, path.sub);
    }
  }
  const resolved: ResolvedAttribute = { name: def.name, def };
  if (container) resolved.container = container;
  if (path.sub === undefined) return resolved;
  if (def.type !== 'complex') return undefined;
  const sub = findAttribute(def.subAttributes, path.sub);
  if (!sub) return undefined;
  return { ...resolved, sub: { name: sub.name, def: sub } };
}

function withSub(resolved: ResolvedAttribute, sub: string | undefined): ResolvedAttribute {
  return sub === undefined ? resolved : { ...resolved, sub: { name: sub } };
}

/**
 * Traits of the attribute a path finally names (the sub-attribute when there is one). A
 * multi-valued complex attribute named alone is compared through its `value` sub-attribute, as
 * RFC 7644 §3.4.2.2 does in `emails co "example.com"`.
 */
export function traitsOf(resolved: ResolvedAttribute): AttributeTraits {
  const def = resolved.sub ? resolved.sub.def : resolved.def;
  if (!def) return OPEN_TRAITS;
  const value = !resolved.sub && def.type === 'complex' && def.multiValued ? findAttribute(def.subAttributes, 'value') : undefined;
  if (value) return { type: value.type, caseExact: value.caseExact, multiValued: true };
  return {
    type: def.type,
    caseExact: def.caseExact,
    multiValued: resolved.sub ? Boolean(resolved.def?.multiValued) : def.multiValued,
  };
}

/** Resolves a sub-attribute name inside a complex attribute (used inside value filters). */
export function resolveSubAttribute(parent: ResolvedAttribute, name: string): { name: string; def?: AttributeDef } | undefined {
  if (!parent.def) return { name };
  const sub = findAttribute(parent.def.subAttributes, name);
  return sub ? { name: sub.name, def: sub } : undefined;
}
