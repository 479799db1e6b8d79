/** Most statement names one connection keeps; past it the least recently used is deallocated. */
export const PREPARED_PER_CONNECTION = 128;

/**
 * The named (prepared) statements of one connection, so PostgreSQL parses a statement text once
 * per connection instead of on every execution. Fixed texts vary a little (a write's number of
 * events or members changes its text), so at most `capacity` stay prepared: the least recently
 * used name is dropped and deallocated when the connection goes back to the pool, and a stream of
 * new texts costs a DEALLOCATE now and then, never the server's memory.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly dropped: string[] = [];
  private issued = 0;

  constructor(private readonly capacity = PREPARED_PER_CONNECTION) {}

  /** The name to run `text` under on this connection (new names are parsed on first use). */
  nameFor(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) {
      // Map order is insertion order: re-inserting marks the text as the most recently used.
      this.names.delete(text);
      this.names.set(text, known);
      return known;
    }
    if (this.names.size >= this.capacity) {
      const [oldestText, oldestName] = this.names.entries().next().value as [string, string];
      this.names.delete(oldestText);
      this.dropped.push(oldestName);
    }
    // Names are never reused on a connection, so a dropped one cannot be run by mistake before it is deallocated.
    const name = `scimd_${++this.issued}`;
    this.names.set(text, name);
    return name;
  }

  /** The names dropped since the last call, to deallocate; empties the list. */
  takeDropped(): string[] {
    return this.dropped.splice(0);
  }

  get size(): number {
    return this.names.size;
  }
}
