/**
 * Where a provisioning connection reads people from, as the admin API shows it: each kind of
 * source is its stored spec (src/provisioning/sources/) without the encrypted secret, which
 * the specs add to these views.
 */
export type SourceView = FileSourceView | LdapSourceView | ScimSourceView | DirectorySourceView;

/** The text encodings a source file may be in; `utf-8` (the default) also reads a UTF-16 file that starts with its byte-order mark. */
export const SOURCE_ENCODINGS = ['utf-8', 'utf-16le', 'windows-1252', 'latin1'] as const;
export type SourceEncoding = (typeof SOURCE_ENCODINGS)[number];

/** A file source: users, and optionally groups and memberships, each a CSV or JSON file. */
export interface FileSourceView {
  kind: 'file';
  users: string;
  groups?: string;
  memberships?: string;
  /** The column that identifies a user across cycles; found automatically when absent. */
  userKey?: string;
  groupKey?: string;
  /** How the files are encoded when they start with no byte-order mark (default UTF-8). */
  encoding?: SourceEncoding;
}

/** An LDAP or Active Directory source. */
export interface LdapSourceView {
  kind: 'ldap';
  /** `ldap://host:port` or `ldaps://host:port`, without a path. */
  url: string;
  bindDn: string;
  /** Where users and groups are searched (subtree). */
  baseDn: string;
  userFilter: string;
  groupFilter: string;
  /** Attributes tried in order for each object's stable key; the DN when none is present. */
  keyAttributes: string[];
  /** Entries per page of a paged search (RFC 2696). */
  pageSize: number;
  /** Read only entries changed since the last cycle (by modifyTimestamp) where the server returns it. */
  incremental: boolean;
  /** PEM certificates the server's certificate must chain to, for a directory with a private CA; the system CAs when absent. */
  caCertificate?: string;
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls?: boolean;
}

/** Another SCIM server as the source. */
export interface ScimSourceView {
  kind: 'scim';
  /** The base URL with the plain scheme (`https://…`). */
  url: string;
  /** Resources per page asked for (default 500); the server may send fewer. */
  pageSize?: number;
}

/** A scimd directory on the same database as the engine (hub mode). */
export interface DirectorySourceView {
  kind: 'directory';
  /** The directory's id or name, as given; resolved on every read so a rename does not break it. */
  directory: string;
}
