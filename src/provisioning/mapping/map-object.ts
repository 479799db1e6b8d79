import type { JsonValue } from '../../scim/json.js';
import { IGNORE_FLOW } from '../expressions/evaluate.js';
import { isUniqueCandidates } from '../expressions/flow-result.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { toExprValue } from '../expressions/values.js';
import type { CompiledMapping } from './compile-mappings.js';
import { coerceTargetValue } from './target-path.js';

/** What a source object becomes on the target, keyed by canonical target path. */
export interface MappedObject {
  /** Values the engine keeps in step on every cycle. */
  attributes: Record<string, JsonValue>;
  /** Values sent only when the object is created (apply-on-create, default-if-null). */
  createOnly: Record<string, JsonValue>;
  /** Paths whose mapping said to leave the target alone this time (IgnoreFlowIfNullOrEmpty, a null value with a default). */
  ignored: string[];
  /** The manager's source key; null when the mapping gives none, undefined when nothing maps it. */
  managerKey?: string | null;
  /** Paths whose values logs show as `[Redact]`. */
  redacted: string[];
  /**
   * SelectUniqueValue mappings: the candidate values in order. Before a create the engine keeps
   * the first one the target does not hold yet (select-unique-value.ts) and puts it in `createOnly`.
   */
  unique: { path: string; candidates: JsonValue[] }[];
}

export interface MappingInput {
  /** A source attribute by name (exact, then case-insensitive). */
  attribute(name: string): unknown;
  now(): Date;
}

/** Runs every mapping of one resource type on one source object. Throws with the failing target named. */
export function mapObject(mappings: CompiledMapping[], input: MappingInput): MappedObject {
  const result: MappedObject = { attributes: {}, createOnly: {}, ignored: [], redacted: [], unique: [] };
  for (const mapping of mappings) {
    const { path } = mapping;
    let raw: unknown;
    try {
      if (mapping.kind === 'direct') raw = input.attribute(mapping.spec.source!);
      else if (mapping.kind === 'constant') raw = mapping.spec.constant;
      else {
        const value = mapping.expression!.evaluate({ attribute: (name) => toExprValue(input.attribute(name)), now: input.now });
        if (value === IGNORE_FLOW) {
          result.ignored.push(path.text);
          continue;
        }
        if (isUniqueCandidates(value)) {
          const candidates = value.candidates.map((c) => coerceTargetValue(path, c)).filter((c): c is JsonValue => c !== undefined);
          if (candidates.length > 0) {
            result.unique.push({ path: path.text, candidates });
            continue;
          }
          raw = null;
        } else raw = value;
      }
      const value = coerceTargetValue(path, raw);
      if (mapping.redacted) result.redacted.push(path.text);
      if (path.isManager) {
        result.managerKey = value === undefined ? null : String(value);
        continue;
      }
      if (value === undefined) {
        if (mapping.fallback !== undefined) {
          // Entra: the default goes into a create only. On later cycles a null source value with
          // a default leaves the target's value alone, so the default is never taken back.
          result.createOnly[path.text] = mapping.fallback as JsonValue;
          result.ignored.push(path.text);
        }
        continue;
      }
      if (mapping.spec.apply === 'create') result.createOnly[path.text] = value;
      else result.attributes[path.text] = value;
    } catch (error) {
      const detail = error instanceof ExpressionError ? error.message : (error as Error).message;
      throw new Error(`${path.text}: ${detail}`);
    }
  }
  return result;
}
