import { tooMany } from '../scim/errors.js';
import type { JsonObject } from '../scim/json.js';

/**
 * Counts the bytes of a response while its resources are shaped, and stops with 400 tooMany as
 * soon as they pass the cap: a page of huge resources is refused before it is serialised whole.
 */
export class ResponseBudget {
  private used = 0;

  constructor(private readonly maxBytes: number) {}

  /** Adds one resource; throws once the response would pass the cap. Returns the resource. */
  add(resource: JsonObject): JsonObject {
    if (this.maxBytes === 0) return resource;
    this.count(JSON.stringify(resource));
    return resource;
  }

  /** Adds one resource already serialised; returns its text. */
  addText(text: string): string {
    if (this.maxBytes > 0) this.count(text);
    return text;
  }

  private count(text: string): void {
    this.used += Buffer.byteLength(text);
    if (this.used > this.maxBytes) {
      throw tooMany(`The response would be larger than ${this.maxBytes} bytes; narrow the request (a smaller count, a filter, or fewer attributes)`);
    }
  }
}
