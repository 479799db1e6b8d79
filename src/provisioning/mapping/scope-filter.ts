import type { Filter } from '../../scim/filter/ast.js';
import { matchesResource } from '../../scim/filter/evaluate.js';
import { parseFilter } from '../../scim/filter/parser.js';
import type { JsonObject } from '../../scim/json.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';

/**
 * A scoping filter: a SCIM filter over source attributes, evaluated in memory by the protocol
 * core. Objects it does not match are out of scope, and the engine disables what it provisioned
 * for them. No filter means everything is in scope.
 */
export class ScopeFilter {
  private readonly filter?: Filter;

  constructor(
    readonly text: string | undefined,
    private readonly model: ResourceModel,
  ) {
    if (text !== undefined && text.trim() !== '') {
      try {
        this.filter = parseFilter(text);
        // Evaluating against an empty object resolves every attribute, so unknown names fail now.
        matchesResource(this.filter, {}, model);
      } catch (error) {
        throw new Error(`The scoping filter ${JSON.stringify(text)} is invalid: ${(error as Error).message}`);
      }
    }
  }

  matches(document: JsonObject): boolean {
    return this.filter ? matchesResource(this.filter, document, this.model) : true;
  }
}
