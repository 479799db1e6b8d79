import type { Capabilities } from './capabilities.js';
import type { CheckContext } from './check-context.js';

/** The identity-provider behaviour a check stands for; `rfc` is the standards alone. */
export type Profile = 'rfc' | 'entra' | 'okta';
export const PROFILES: readonly Profile[] = ['rfc', 'entra', 'okta'];

export type Area =
  | 'authentication'
  | 'discovery'
  | 'users'
  | 'groups'
  | 'filter'
  | 'patch'
  | 'pagination'
  | 'sorting'
  | 'projection'
  | 'etag'
  | 'bulk'
  | 'concurrency'
  | 'latency';

/** The order areas appear in a report. */
export const AREAS: readonly Area[] = ['authentication', 'discovery', 'users', 'groups', 'filter', 'patch', 'pagination', 'sorting', 'projection', 'etag', 'bulk', 'concurrency', 'latency'];

/** One conformance check: a stable id scripts can name, what it sends, what it expects and on whose word. */
export interface Check {
  /** Stable, dotted, lower-case: `filter.eq.username`. Never renamed once published. */
  id: string;
  title: string;
  area: Area;
  profiles: readonly Profile[];
  /** The RFC section or documented IdP behaviour (docs: /work/shared/idp-behaviour.md) that makes the expectation right. */
  authority: string;
  sends: string;
  expects: string;
  /** A reason to skip, from what the server's discovery documents say it supports; undefined to run. */
  skipUnless?: (capabilities: Capabilities) => string | undefined;
  /** Resolves when the server behaves; throws CheckFailure (with the exchange that proves it) when not. */
  run(context: CheckContext): Promise<CheckOutcome | void>;
}

/** What a passing check may add: a measurement or remark shown beside it. */
export interface CheckOutcome {
  note?: string;
}

/** A request as shown in a report: the secret is never printed. */
export interface RequestRecord {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request and the start of its answer: the evidence attached to a failure. */
export interface ExchangeRecord {
  request: RequestRecord;
  status: number;
  contentType?: string;
  /** The start of the response body. */
  excerpt: string;
  ms: number;
}

export type Verdict = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  area: Area;
  authority: string;
  verdict: Verdict;
  /** Why it failed or was skipped, or a note on a pass. */
  message?: string;
  /** The exchanges that prove a failure, oldest first. */
  evidence?: ExchangeRecord[];
  ms: number;
}

export interface CheckReport {
  target: string;
  profile: string;
  started: string;
  finished: string;
  /** The object name prefix of this run. */
  prefix: string;
  capabilities: Capabilities;
  results: CheckResult[];
  summary: { pass: number; fail: number; skip: number };
  cleanup: { deleted: number; kept: number; failed: string[] };
}
