import type { WireFormat } from '../client/target-updates.js';
import type { ObjectMappings } from '../mapping/mapping.js';
import type { DeletionThreshold } from '../planner/circuit-breaker.js';
import type { SourceSpec } from '../sources/source-spec.js';

/** The credential a connection presents to its target, as stored: always encrypted. */
export type TargetCredential =
  | { kind: 'bearer'; secret: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; authMethod?: 'basic' | 'post' };

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

export const DEFAULT_SETTINGS: ConnectionSettings = {
  concurrency: 8,
  ratePerSecond: 0,
  timeoutSeconds: 60,
  deleteAfter: '30d',
  deletionThreshold: { count: 500 },
  adopt: true,
  groups: true,
  schedule: 'off',
};

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

/**
 * A connection: where people come from, where they go, how attributes map, who is in scope,
 * and how carefully to go about it. The credential is stored only encrypted.
 */
export interface ConnectionRecord {
  id: string;
  name: string;
  source: SourceSpec;
  targetUrl: string;
  credentialKind: TargetCredential['kind'];
  /** `v1:…`, the AES-256-GCM encryption of the credential as JSON. */
  encryptedCredential: string;
  /** When the secret stops working, when known. */
  credentialExpiresAt: string | null;
  /** The connection's own mappings, replacing the defaults for the types they name. */
  mappings: Partial<ObjectMappings> | null;
  scoping: { users?: string; groups?: string };
  settings: ConnectionSettings;
  created: string;
  updated: string;
  /** Set by the engine (credential refused, most calls failing); never written by `updateConnection`. */
  quarantine?: Quarantine | null;
  /** The admin released the deletion threshold for the next cycle (Entra's "Allow deletes"). */
  allowDeletes?: boolean;
  credentialState?: CredentialState | null;
  /** How the target treats groups, learned by Test Connection and cycles; never written by `updateConnection`. */
  targetProfile?: TargetProfile | null;
}
