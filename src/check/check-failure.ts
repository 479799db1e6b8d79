import type { ExchangeRecord } from './check-types.js';
import type { Exchange } from './check-http.js';

/** A check's verdict that the server misbehaved, with the exchanges that show it. */
export class CheckFailure extends Error {
  readonly evidence: ExchangeRecord[];

  constructor(message: string, exchanges: readonly (Exchange | undefined)[] = []) {
    super(message);
    this.name = 'CheckFailure';
    this.evidence = exchanges.filter((e): e is Exchange => e !== undefined).map((e) => e.record);
  }
}

/**
 * Decided while running that the check does not apply: the server declined the feature in a way
 * the RFC allows (a 400 invalidFilter for a combination it does not support, RFC 7644 §3.12).
 */
export class CheckSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}

/** The run could not judge the server at all (unreachable, token refused, nothing selected): distinct from a failed check. */
export class CannotRun extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CannotRun';
  }
}

/** The run was interrupted (SIGINT/SIGTERM): no new request is sent, cleanup follows. */
export class CheckAborted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'CheckAborted';
  }
}

/** Fails the check with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string, ...exchanges: (Exchange | undefined)[]): asserts condition {
  if (!condition) throw new CheckFailure(message, exchanges);
}

/** Fails unless the status is one of `statuses`. */
export function expectStatus(exchange: Exchange, statuses: number | readonly number[], what: string): void {
  const allowed = typeof statuses === 'number' ? [statuses] : statuses;
  if (!allowed.includes(exchange.status)) {
    throw new CheckFailure(`${what}: expected HTTP ${allowed.join(' or ')}, got ${exchange.status}`, [exchange]);
  }
}
