/**
 * Keeps secrets out of logs and messages: the connection's own secrets wherever they appear,
 * anything shaped like a scimd secret, and bearer tokens. Values of attributes whose mapping uses
 * Redact() (and passwords) are shown as `[Redact]`, as Entra's logs do.
 */
export class Redactor {
  private readonly paths: Set<string>;

  constructor(
    private readonly secrets: string[],
    redactedPaths: Iterable<string> = [],
  ) {
    this.paths = new Set([...redactedPaths, 'password'].map((p) => p.toLowerCase()));
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    return out.replace(/\bscimd_[A-Za-z0-9]{16,}\b/g, '[redacted]').replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]');
  }

  /** Copies a value, replacing the values of redacted paths. */
  value(path: string, value: unknown): unknown {
    return this.paths.has(path.toLowerCase()) && value !== undefined ? '[Redact]' : value;
  }

  attributes(attributes: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(attributes).map(([path, value]) => [path, this.value(path, value)]));
  }

  changes<T extends { path: string; from?: unknown; to?: unknown }>(changes: T[]): T[] {
    return changes.map((c) => {
      const copy = { ...c };
      if ('from' in copy) copy.from = this.value(c.path, c.from);
      if ('to' in copy) copy.to = this.value(c.path, c.to);
      return copy;
    });
  }
}
