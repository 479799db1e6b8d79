import type { Encryptor } from '../../auth/encryption.js';
import type { AttributeMapping } from '../mapping/mapping.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** One object as a source holds it. */
export interface SourceRecord {
  /** Stable identity in the source (the anchor), case-folded, so later cycles recognise the object. */
  key: string;
  /** Attribute name → value as read: text from CSV, any JSON value from JSON. */
  attributes: Record<string, unknown>;
  /** Where it came from, for messages: `users.csv line 5`. */
  origin: string;
}

export interface SourceGroupRecord extends SourceRecord {
  /** Keys of the users that are direct members. */
  members: string[];
}

/**
 * The attribute names a source is known to have, so mappings can be checked against them when
 * they are saved: a CSV header, a directory's schema, the SCIM schema.
 */
export interface SourceSchema {
  names: string[];
  /** Where the names come from, for messages: `the columns of users.csv`. */
  from: string;
}

/**
 * Everything a source holds at one moment. `scim` format means the attribute names are SCIM
 * attribute paths (columns map to themselves); `attributes` means directory attributes that go
 * through the connection's mapping.
 */
export interface SourceSnapshot {
  users: SourceRecord[];
  groups: SourceGroupRecord[];
  userFormat: 'scim' | 'attributes';
  groupFormat: 'scim' | 'attributes';
  userAttributes: string[];
  groupAttributes: string[];
  /** Rows skipped and references not resolved, in plain words. */
  problems: string[];
  /**
   * The default mappings for `attributes` format when the connection has none of its own;
   * Entra's (userPrincipalName, mail, …) when absent. LDAP sources name their own.
   */
  defaultMappings?: { users: AttributeMapping[]; groups: AttributeMapping[] };
  /** How much the source read this cycle, e.g. `3 changed entries since 20261128151002Z`, for the cycle summary. */
  readNote?: string;
  /** The names mappings may read, when the source knows more than the attributes its records hold. */
  userSchema?: SourceSchema;
  groupSchema?: SourceSchema;
}

/**
 * What a source may use besides its own settings. Sources that read incrementally keep their
 * position and the records last read in the connection store (see source-cache.ts).
 */
export interface SourceContext {
  connectionId: string;
  store: ConnectionStore;
  /** Decrypts a source's own credential (an LDAP bind password, a SCIM bearer secret). */
  encryptor?: Encryptor;
  /** Read without remembering anything (checking a connection before it is saved). */
  preview?: boolean;
  /** Also learn the attribute names the source's schema defines (LDAP's subschema), to check mappings against. */
  readSchema?: boolean;
}

/**
 * Where a connection reads people and groups from. Every cycle's snapshot is the whole source;
 * a source that can read only what changed (LDAP by modifyTimestamp, a scimd directory by its
 * event feed) rebuilds the whole from what it remembered, so the engine never sees a partial one.
 */
export interface Source {
  /** A short description for messages, e.g. `file:users.csv`. */
  describe(): string;
  read(context?: SourceContext): Promise<SourceSnapshot>;
}
