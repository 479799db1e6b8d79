import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { compileExpression, type CompiledExpression } from '../expressions/compile-expression.js';
import { ExpressionError } from '../expressions/expression-error.js';
import type { SourceSchema } from '../sources/source.js';
import type { AttributeMapping } from './mapping.js';
import { checkSourceNames } from './source-names.js';
import { coerceTargetValue, leafDefinition, parseTargetPath, type TargetPath } from './target-path.js';

/** A mapping checked and ready to run: its target path parsed, its expression compiled. */
export interface CompiledMapping {
  spec: AttributeMapping;
  path: TargetPath;
  kind: 'direct' | 'constant' | 'expression';
  expression?: CompiledExpression;
  /** The default-if-null value, already coerced for the target. */
  fallback?: unknown;
  /** Logged as `[Redact]`. */
  redacted: boolean;
}

/**
 * Checks a list of mappings for one resource type and compiles them. Every problem is reported
 * with the mapping's position and target, and expression errors point at the character. Given
 * the names the source is known to have, source attributes are checked against them too.
 */
export function compileMappings(mappings: AttributeMapping[], model: ResourceModel, label: string, known?: SourceSchema): CompiledMapping[] {
  const compiled: CompiledMapping[] = [];
  const seen = new Map<string, number>();
  mappings.forEach((spec, index) => {
    const where = `${label} mapping ${index + 1} (${JSON.stringify(spec.target ?? '')})`;
    try {
      if (typeof spec.target !== 'string' || spec.target.trim() === '') throw new Error('"target" is required');
      const kinds = (['source', 'constant', 'expression'] as const).filter((k) => spec[k] !== undefined);
      if (kinds.length !== 1) throw new Error('give exactly one of "source", "constant" or "expression"');
      const path = parseTargetPath(spec.target, model);
      if (seen.has(path.text)) throw new Error(`mapping ${seen.get(path.text)! + 1} already maps ${path.text}`);
      seen.set(path.text, index);
      if (spec.apply !== undefined && spec.apply !== 'always' && spec.apply !== 'create') throw new Error('"apply" is "always" or "create"');
      if (spec.matching !== undefined && !(Number.isInteger(spec.matching) && spec.matching >= 1)) throw new Error('"matching" is a precedence: 1, 2, …');
      if (spec.matching !== undefined && path.isManager) throw new Error('the manager cannot be a matching attribute');
      const kind = kinds[0] === 'source' ? 'direct' : kinds[0];
      const entry: CompiledMapping = { spec, path, kind, redacted: false };
      if (kind === 'expression') {
        entry.expression = compileExpression(String(spec.expression));
        entry.redacted = entry.expression.redacted;
        if (entry.expression.selectsUniqueValue) checkSelectUniqueValue(spec, path);
      }
      if (kind === 'constant' && typeof spec.constant !== 'string') throw new Error('"constant" must be text');
      if (kind === 'constant') coerceTargetValue(path, spec.constant);
      if (spec.defaultIfNull !== undefined) entry.fallback = coerceTargetValue(path, spec.defaultIfNull);
      if (known && known.names.length > 0) checkSourceNames(entry, known);
      compiled.push(entry);
    } catch (error) {
      const detail = error instanceof ExpressionError ? error.explain() : (error as Error).message;
      throw new Error(`${where}: ${detail}`);
    }
  });
  return compiled;
}

/**
 * SelectUniqueValue, as Entra allows it: for creating objects only, never on a matching attribute
 * (the value is known only once the target has been asked), and on an attribute with one value,
 * which the target can be asked about with `eq`.
 */
function checkSelectUniqueValue(spec: AttributeMapping, path: TargetPath): void {
  if (spec.matching !== undefined) throw new Error('SelectUniqueValue cannot give a matching attribute: its value is chosen on the target when the object is created');
  if (spec.apply !== 'create') throw new Error('SelectUniqueValue only gives a value when the object is created: add "apply": "create"');
  if (path.isManager || leafDefinition(path)?.multiValued && !path.filter) throw new Error(`SelectUniqueValue needs an attribute with one value, which the target can be asked about with eq; ${path.text} is not one`);
}

/** The matching attributes in precedence order. */
export function matchingMappings(mappings: CompiledMapping[]): CompiledMapping[] {
  return mappings.filter((m) => m.spec.matching !== undefined).sort((a, b) => a.spec.matching! - b.spec.matching!);
}
