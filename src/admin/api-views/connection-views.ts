import type { JsonValue } from '../../scim/json.js';
import type { SourceView } from './source-views.js';

/** Provisioning connections, their cycles, plans, logs and reports, as the admin API shows them. */

/** Why the engine stopped sending to a target until the admin or a successful test clears it. */
export interface Quarantine {
  reason: 'credentials' | 'failures';
  /** In plain words, with the target's answer; secrets redacted. */
  detail: string;
  since: string;
}

/** What the engine knows about its own credential beyond the secret: where its expiry came from, warnings given, rotations. */
export interface CredentialState {
  /** `entered` by the admin, read from the `target` (a scimd self endpoint), or none known. */
  expirySource?: 'entered' | 'target';
  /** Warning thresholds (days before expiry) already announced for the current secret. */
  warned?: number[];
  rotatedAt?: string;
  /** The last rotation attempt that failed, so the next one waits and the admin sees why. */
  rotationError?: { at: string; detail: string };
}

/**
 * What Test Connection (and cycles since) learned about how the target treats groups; null
 * values were not learned (the target hides what would tell).
 */
export interface TargetProfile {
  probedAt?: string;
  /** Whether a group POST keeps the members it carries (Jackson drops them). */
  keepsMembersOnPost?: boolean | null;
  /** Whether a GET of a group lists its members (Jackson always answers `members: []`). */
  showsMembersOnGet?: boolean | null;
  /** The largest member batch the target accepted in one PATCH. */
  largestAcceptedBatch?: number | null;
  /** The smallest member batch it refused (400 or 413), when it refused one. */
  refusedBatch?: number | null;
  /** What the probe could not find out, in plain words. */
  note?: string | null;
  /** When the last full reconcile (`sync --full`) finished. */
  lastFullSyncAt?: string | null;
}

/** How one Test Connection step went. */
export type StepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

export interface TestStep {
  /** Which end of the connection the step checked; source steps come first. */
  side: 'source' | 'target';
  step: string;
  status: StepStatus;
  detail: string;
}

/** Test Connection's report, step by step. */
export interface TestReport {
  ok: boolean;
  target: string;
  /** The source, as `connection show` describes it, when its steps are in the report. */
  source?: string;
  steps: TestStep[];
  /** What the group write probe learned, when it ran. */
  targetProfile?: TargetProfile;
}

/** Worst first, as `scimd status` lists them. */
export const CONNECTION_HEALTH = ['quarantined', 'credential_expired', 'failing', 'credential_expiring', 'never_run', 'healthy'] as const;
export type ConnectionHealthState = (typeof CONNECTION_HEALTH)[number];

export interface ConnectionHealth {
  id: string;
  name: string;
  target: string;
  health: ConnectionHealthState;
  /** In plain words, with what to do. */
  summary: string;
  attention: boolean;
  quarantine: Quarantine | null;
  credentialExpiresAt: string | null;
  /** Whole days until the target credential expires (negative once expired); null when unknown. */
  credentialDaysLeft: number | null;
  lastCycle: { id: string; status: string; startedAt: string; finishedAt: string | null; message: string | null } | null;
}

/** What the engine provisions. */
export type ObjectType = 'User' | 'Group';

/**
 * How a connection writes changes: `scim` sends RFC 7644 PATCH (lowercase ops, real booleans);
 * `entra-legacy` sends what Entra ID sends without its `aadOptscim062020` flag (capitalised ops,
 * booleans as "True"/"False", members removed by a value list), for testing servers built for Entra.
 */
export type WireFormat = 'scim' | 'entra-legacy';

/** Accidental-deletion prevention: the most disables and deletions one cycle may make. */
export interface DeletionThreshold {
  count?: number;
  /** A percentage of the objects the connection manages. */
  percent?: number;
}

/**
 * How one target attribute gets its value, like a row of Entra's attribute-mapping page:
 * exactly one of `source` (Direct), `constant` (Constant) or `expression` (Expression).
 */
export interface AttributeMapping {
  /** The target attribute: `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:department`. */
  target: string;
  /** Direct: the source attribute (a CSV column or JSON key). */
  source?: string;
  constant?: string;
  /** An expression in Entra's syntax, e.g. `Join(" ", [givenName], [surname])`. */
  expression?: string;
  /** Used when the mapped value is null, and, as in Entra, only when the object is created. */
  defaultIfNull?: string;
  /** `create`: only when the object is created ("Only during object creation"). Default `always`. */
  apply?: 'always' | 'create';
  /** Makes this a matching attribute; lower numbers are tried first (matching precedence). */
  matching?: number;
}

/** The mappings of a connection, per object type. */
export interface ObjectMappings {
  users: AttributeMapping[];
  groups: AttributeMapping[];
}

/** How carefully a connection goes about its target. */
export interface ConnectionSettings {
  /** Most requests in flight to the target. */
  concurrency: number;
  /** Most requests started per second; 0 for no limit. */
  ratePerSecond: number;
  timeoutSeconds: number;
  /** After a source deletion: `0` deletes at once, a duration such as `30d` disables first, `never` only disables. */
  deleteAfter: string;
  deletionThreshold: DeletionThreshold | null;
  /** Take over target objects that match but were not created by this connection (Entra does). */
  adopt: boolean;
  /** Provision groups and memberships. */
  groups: boolean;
  /**
   * How often `scimd serve` runs a cycle: a duration (`40min`, as Entra), `continuous` (the next
   * cycle starts as soon as one ends; for hub mode) or `off` (only when asked; the default, so a
   * connection provisions only once an admin has tested it and turned its schedule on).
   */
  schedule?: string;
  /** How updates go on the wire: RFC 7644 (`scim`, the default) or Entra's legacy format; see target-updates.ts. */
  wireFormat?: WireFormat;
  /** Most members added or removed per PATCH (default 100); lowered for the cycle when the target refuses a batch for its size. */
  membersPerRequest?: number;
  /** How often a scheduled cycle is a full reconcile (re-reads the target and repairs drift): a duration such as `24h`, or off (the default). */
  fullSyncEvery?: string;
}

/** One attribute that changes: `to` undefined removes it, `from` undefined adds it. */
export interface Change {
  path: string;
  from?: JsonValue;
  to?: JsonValue;
}

/**
 * One thing a cycle does to the target. A dry run stores these; a real run carries them out in
 * order (users, managers, groups, memberships, deletions) and logs each one.
 */
export type PlanStep =
  | { action: 'create'; type: ObjectType; key: string; attributes: Record<string, JsonValue>; managerKey?: string; members?: string[] }
  | { action: 'adopt'; type: ObjectType; key: string; targetId: string; ownership: 'created' | 'adopted'; changes: Change[] }
  | { action: 'update'; type: ObjectType; key: string; targetId: string; changes: Change[] }
  | { action: 'disable'; type: 'User'; key: string; targetId: string; reason: DeprovisionReason; changes: Change[] }
  | { action: 'delete'; type: ObjectType; key: string; targetId: string; reason: DeprovisionReason }
  | { action: 'set-manager'; type: 'User'; key: string; targetId: string; from: string | null; to: string | null }
  | { action: 'add-members'; type: 'Group'; key: string; targetId: string; members: string[] }
  | { action: 'remove-members'; type: 'Group'; key: string; targetId: string; members: string[] };

export type DeprovisionReason = 'out of scope' | 'disabled in source' | 'deleted in source';

export type StepAction = PlanStep['action'];

/** An object the plan could not be made for (its mapping failed, it has no matching value, …). */
export interface PlanFailure {
  type: ObjectType;
  key: string;
  targetId: string | null;
  action: StepAction | 'map' | 'match';
  detail: string;
}

/** The summary every cycle reports. */
export interface CycleCounts {
  created: number;
  updated: number;
  disabled: number;
  deleted: number;
  unchanged: number;
  failed: number;
  /** Target objects taken over (adopted) this cycle; an adoption that also changed values counts here, not in `updated`. */
  adopted?: number;
}

/** What a full reconcile found on the target before planning. */
export interface DriftReport {
  /** Linked objects read back from the target. */
  read: number;
  /** Linked objects whose managed values, manager or members on the target differ from what was last sent. */
  differed: number;
  /** Linked objects the target no longer has (deleted inside the app): they are created again. */
  missing: number;
  /** False when the target does not show group members (Jackson): memberships could not be checked. */
  membershipsChecked: boolean;
}

/** One line of a connection's provisioning log: what was done (or planned) to one object. */
export interface LogEntry {
  cycleId: string;
  at: string;
  type: ObjectType;
  key: string;
  /** Where the source has the object, in words an admin knows (an LDAP DN, a CSV line); null when it left the source. */
  origin?: string | null;
  targetId: string | null;
  /** create, adopt, update, disable, delete, set-manager, add-members, remove-members, map, match, skip. */
  action: string;
  result: 'planned' | 'success' | 'failure' | 'skipped';
  /** The target's HTTP status, when it answered. */
  status: number | null;
  /** What went wrong, or a note; secrets redacted. */
  detail: string | null;
  /** The attribute changes, created attributes or member keys (redacted where the mapping says). */
  changes: unknown;
  /** The line's place in the log, when read back: pass it as `before` for the next (older) page. */
  seq?: number;
}

/** Where a cycle stands; `interrupted`: its process ended while it ran. */
export type CycleStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

/** A cycle's counts, requests and problems. */
export interface CycleSummary extends CycleCounts {
  durationMs: number;
  requests: number;
  retries: number;
  sourceProblems: string[];
  /** Disables and deletions planned, and whether the deletion threshold stopped the cycle. */
  deprovisions: number;
  /** A full reconcile's reading of the target before it planned. */
  drift?: DriftReport;
  /** Most of what it sent failed (see engine/quarantine.ts): several such cycles in a row quarantine. */
  failing?: boolean;
  /** A cycle the deletion threshold stopped sent nothing: its counts are zero and these are what it would have done. */
  planned?: CycleCounts;
}

/** One provisioning cycle (or dry run) of a connection. */
export interface CycleRecord {
  id: string;
  connectionId: string;
  startedAt: string;
  finishedAt: string | null;
  dryRun: boolean;
  status: CycleStatus;
  summary: CycleSummary | null;
  message: string | null;
}

/** Which source objects a connection provisions, per type. */
export interface Scoping {
  users?: string;
  groups?: string;
}

/** A connection as `list`, `show` and `--json` print it: never the secret. */
export interface ConnectionView {
  id: string;
  name: string;
  /** The source without its encrypted secret. */
  source: SourceView;
  target: string;
  credential: { kind: 'bearer' | 'oauth'; expiresAt: string | null };
  /** The connection's own mappings, replacing the defaults for the types they name. */
  mappings: Partial<ObjectMappings> | 'default';
  /** Scoping filters (SCIM filter syntax over source attributes); an absent one leaves every user or group in scope. */
  scoping: Scoping;
  /** The deletion threshold as text: `500`, `10%` or `off`. */
  settings: Omit<ConnectionSettings, 'deletionThreshold'> & { deletionThreshold: string };
  created: string;
  updated: string;
}

/** A connection as the API and `--json` show it: never a secret, with what the engine knows of its health. */
export interface ConnectionDetails extends ConnectionView {
  quarantine: Quarantine | null;
  /** The deletion threshold is released for the next cycle. */
  allowDeletes: boolean;
  credentialState: CredentialState | null | undefined;
  /** How the target treats groups, as Test Connection and cycles learned it; null before the first test. */
  targetProfile: TargetProfile | null | undefined;
}

/** A connection in the list: with its last cycle; `escrowNextRetry` is when the next object that failed is retried (null: none waits). */
export interface ConnectionSummary extends ConnectionDetails {
  lastCycle: CycleRecord | null;
  escrowNextRetry?: string | null;
}

/** One connection read on its own: what it manages, its escrow and its latest cycles. */
export interface ConnectionShow extends ConnectionDetails {
  managed: { users: number; groups: number; failing: number };
  escrow: { objects: number; nextRetry: string | null };
  cycles: CycleRecord[];
}

/** A connection as any route answers it: the list's fields and a single read's, each where it is given. */
export type AnyConnectionView = ConnectionDetails & Partial<Pick<ConnectionSummary, 'lastCycle' | 'escrowNextRetry'>> & Partial<Pick<ConnectionShow, 'managed' | 'escrow' | 'cycles'>>;

/** A cycle's outcome as the admin API and `--json` show it: the plan only for dry runs and stopped cycles. */
export interface CycleOutcome {
  cycle: CycleRecord;
  summary: CycleSummary;
  quarantine?: Quarantine;
  plan?: { steps: PlanStep[]; failures: PlanFailure[] };
}
