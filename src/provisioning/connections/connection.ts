import type { ConnectionSettings, CredentialState, ObjectMappings, Quarantine, TargetProfile } from '../../admin/api-views.js';
import type { SourceSpec } from '../sources/source-spec.js';

// A connection's settings, quarantine, credential state and what the target showed of itself are
// admin API views, declared in api-views.ts.
export type { ConnectionSettings, CredentialState, Quarantine, TargetProfile } from '../../admin/api-views.js';

/** The credential a connection presents to its target, as stored: always encrypted. */
export type TargetCredential =
  | { kind: 'bearer'; secret: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; authMethod?: 'basic' | 'post' };

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
