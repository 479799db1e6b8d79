import type { SourceView } from '../../admin/api-views.js';
import type { Encryptor } from '../../auth/encryption.js';
import { DirectorySource, type DirectorySourceSpec } from './directory/directory-source.js';
import { FileSource } from './file-source.js';
import { parseFileSpec, type FileSourceSpec } from './file-source-spec.js';
import { parseSourceEncoding } from './source-file-text.js';
import { LdapSource } from './ldap/ldap-source.js';
import { pageSize, parseLdapSpec, type LdapSourceSpec } from './ldap/ldap-source-spec.js';
import { ScimSource, type ScimSourceSpec } from './scim/scim-source.js';
import type { Source } from './source.js';

/** Every kind of source a connection may read, as stored with it. */
export type SourceSpec = FileSourceSpec | LdapSourceSpec | ScimSourceSpec | DirectorySourceSpec;

/** The source options of `connection create|update`, as text. */
export interface SourceInput {
  source?: string;
  groups?: string;
  memberships?: string;
  userKey?: string;
  groupKey?: string;
  /** The LDAP bind password, or the SCIM source's bearer secret. */
  sourceSecret?: string;
  bindDn?: string;
  baseDn?: string;
  userFilter?: string;
  groupFilter?: string;
  sourceKey?: string;
  pageSize?: string;
  incremental?: boolean;
  /** LDAP: PEM text of the CA the server's certificate must chain to (the CLI reads it from --source-ca-file). */
  sourceCa?: string;
  /** LDAP: StartTLS on an ldap:// URL. */
  sourceStartTls?: boolean;
  /** Files: utf-8 (default), utf-16le, windows-1252 or latin1, for files without a byte-order mark. */
  sourceEncoding?: string;
}

/** Whether any source option is given, so `update` knows to rebuild the source. */
export function hasSourceInput(input: SourceInput): boolean {
  return [input.source, input.groups, input.memberships, input.userKey, input.groupKey, input.sourceSecret, input.bindDn, input.baseDn, input.userFilter, input.groupFilter, input.sourceKey, input.pageSize, input.incremental, input.sourceCa, input.sourceStartTls, input.sourceEncoding].some((v) => v !== undefined);
}

/**
 * Reads `--source` and its options into a spec: `file:…` (or a bare path), `ldap://` or
 * `ldaps://`, `scim+https://…` (`scim+http://` for local tests), or `directory:<id or name>`.
 * Options not given keep the existing source's values; secrets are stored only encrypted.
 */
export function parseSourceSpec(input: SourceInput, encryptor: Encryptor, existing?: SourceSpec): SourceSpec {
  const text = input.source ?? (existing ? sourceText(existing) : undefined);
  if (!text) throw new Error('--source is required: file:users.csv, ldap://host/dc=example,dc=com, scim+https://host/scim/v2 or directory:<id or name>');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  const same = <K extends SourceSpec['kind']>(kind: K) => (existing?.kind === kind ? (existing as Extract<SourceSpec, { kind: K }>) : undefined);
  const secret = input.sourceSecret === undefined ? undefined : cleanSecret(input.sourceSecret);
  if (scheme === 'ldap' || scheme === 'ldaps') {
    if (input.sourceEncoding !== undefined) throw new Error(`--source-encoding is for file sources; this source is ${scheme}`);
    return parseLdapSpec(text, {
      bindDn: input.bindDn,
      encryptedPassword: secret === undefined ? undefined : encryptor.encrypt(secret),
      baseDn: input.baseDn,
      userFilter: input.userFilter,
      groupFilter: input.groupFilter,
      keyAttribute: input.sourceKey,
      pageSize: input.pageSize,
      incremental: input.incremental,
      caCertificate: input.sourceCa,
      startTls: input.sourceStartTls,
    }, same('ldap'));
  }
  rejectOptions(input, scheme === 'file' || scheme === undefined ? 'file' : scheme);
  if (scheme === 'scim+https' || scheme === 'scim+http') {
    const url = text.slice('scim+'.length);
    try {
      const parsed = new URL(url);
      if (parsed.username || parsed.password) throw new Error('credentials in the URL');
    } catch {
      throw new Error(`${text}: a SCIM source is scim+https://host/scim/v2, with the secret in --source-secret`);
    }
    const encryptedSecret = secret !== undefined ? encryptor.encrypt(secret) : same('scim')?.encryptedSecret;
    if (!encryptedSecret) throw new Error('A SCIM source needs --source-secret, a bearer secret that can read its Users and Groups');
    const size = input.pageSize !== undefined ? pageSize(input.pageSize) : same('scim')?.pageSize;
    return { kind: 'scim', url: url.replace(/\/+$/, ''), encryptedSecret, ...(size !== undefined ? { pageSize: size } : {}) };
  }
  if (scheme === 'directory') {
    const directory = text.slice('directory:'.length).trim();
    if (!directory) throw new Error('A directory source names the directory: directory:<id or name>');
    return { kind: 'directory', directory };
  }
  if (scheme !== undefined && scheme !== 'file' && text.includes('://')) {
    throw new Error(`${text}: a source is file:…, ldap://…, ldaps://…, scim+https://… or directory:<id or name>`);
  }
  const file = same('file');
  return parseFileSpec(text, {
    groups: input.groups ?? file?.groups,
    memberships: input.memberships ?? file?.memberships,
    userKey: input.userKey ?? file?.userKey,
    groupKey: input.groupKey ?? file?.groupKey,
    encoding: input.sourceEncoding !== undefined ? parseSourceEncoding(input.sourceEncoding) : file?.encoding,
  });
}

/** The `--source` text a spec was made from (without its secret). */
export function sourceText(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'file':
      return `file:${spec.users}`;
    case 'ldap':
      return spec.url;
    case 'scim':
      return `scim+${spec.url}`;
    case 'directory':
      return `directory:${spec.directory}`;
  }
}

/** A short description for tables and messages. */
export function describeSource(spec: SourceSpec): string {
  if (spec.kind === 'file') return [spec.users, spec.groups, spec.memberships].filter(Boolean).map((p) => `file:${p}`).join(' + ');
  if (spec.kind === 'ldap') return `${spec.url}/${spec.baseDn}`;
  return sourceText(spec);
}

/** The source a spec describes, ready to read. */
export function openSource(spec: SourceSpec): Source {
  switch (spec.kind) {
    case 'file':
      return new FileSource(spec);
    case 'ldap':
      return new LdapSource(spec);
    case 'scim':
      return new ScimSource(spec);
    case 'directory':
      return new DirectorySource(spec);
  }
}

/** A spec without its secret-bearing parts, so views and logs never show them. */
export function withoutSecrets(spec: SourceSpec): SourceView {
  const { ...copy } = spec as unknown as Record<string, unknown>;
  delete copy.encryptedPassword;
  delete copy.encryptedSecret;
  return copy as unknown as SourceView;
}

function cleanSecret(secret: string): string {
  if (secret.trim() === '') throw new Error('--source-secret is empty');
  return secret;
}

/** Options that belong to another kind of source are a mistake worth naming. */
function rejectOptions(input: SourceInput, kind: string): void {
  const ldapOnly = { bindDn: '--bind-dn', baseDn: '--base-dn', userFilter: '--user-filter', groupFilter: '--group-filter', sourceKey: '--source-key', incremental: '--incremental', sourceCa: '--source-ca-file', sourceStartTls: '--source-starttls' } as const;
  for (const [key, flag] of Object.entries(ldapOnly)) {
    if (input[key as keyof typeof ldapOnly] !== undefined) throw new Error(`${flag} is for LDAP sources; this source is ${kind}`);
  }
  if (kind !== 'scim+https' && kind !== 'scim+http') {
    if (input.sourceSecret !== undefined) throw new Error(`--source-secret is for LDAP and SCIM sources; this source is ${kind}`);
    if (input.pageSize !== undefined) throw new Error(`--page-size is for LDAP and SCIM sources; this source is ${kind}`);
  }
  if (kind !== 'file') {
    for (const [key, flag] of Object.entries({ groups: '--groups', memberships: '--memberships', userKey: '--user-key', groupKey: '--group-key', sourceEncoding: '--source-encoding' })) {
      if (input[key as 'groups'] !== undefined) throw new Error(`${flag} is for file sources; this source is ${kind}`);
    }
  }
}
