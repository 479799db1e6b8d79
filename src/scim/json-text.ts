/**
 * A response body already serialised, for answers assembled from stored JSON text (a list page
 * spliced from its documents): sent as it is, never parsed and serialised again.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /** The body as a value, for the few callers that inspect it rather than send it. */
  parse(): unknown {
    return JSON.parse(this.text);
  }

  /** Serialised again inside another value (an admin API answer), it is the value it holds. */
  toJSON(): unknown {
    return this.parse();
  }
}
