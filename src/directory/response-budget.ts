import { tooMany } from '../scim/errors.js';
import type { JsonObject } from '../scim/json.js';

/**
 * Counts the bytes of a response while its resources are shaped, and stops with 400 tooMany as
 * soon as they pass the cap: a page of huge resources is refused before it is serialised whole.
 */
export class ResponseBudget {
  /** Bytes of the texts counted so far. */
  private counted = 0;
  /**
   * Texts not counted yet, and their length in UTF-16 units: UTF-8 takes at least one and at most
   * three bytes per unit, so while three per unit fits under the cap nothing needs counting.
   * Counting a long text built by concatenation (a group with thousands of members) flattens and
   * scans it, a large share of such a GET's time.
   */
  private uncounted: string[] = [];
  private uncountedUnits = 0;

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
    this.uncounted.push(text);
    this.uncountedUnits += text.length;
    if (this.counted + 3 * this.uncountedUnits <= this.maxBytes) return;
    for (const waiting of this.uncounted) this.counted += Buffer.byteLength(waiting);
    this.uncounted = [];
    this.uncountedUnits = 0;
    if (this.counted > this.maxBytes) {
      throw tooMany(`The response would be larger than ${this.maxBytes} bytes; narrow the request (a smaller count, a filter, or fewer attributes)`);
    }
  }
}
