import type { LdapSourceView } from '../../../admin/api-views.js';

/** An LDAP or Active Directory source, as a connection stores it: the admin API's view and the password, only encrypted. */
export interface LdapSourceSpec extends LdapSourceView {
  /** `v1:…`, the bind password encrypted like the target's credential. */
  encryptedPassword: string;
}

/** Users in OpenLDAP (inetOrgPerson) and Active Directory (person users, not computers). */
export const DEFAULT_USER_FILTER = '(|(objectClass=inetOrgPerson)(&(objectClass=user)(objectCategory=person)))';
export const DEFAULT_GROUP_FILTER = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))';
/** OpenLDAP's entryUUID, then Active Directory's objectGUID: both survive renames and moves. */
export const DEFAULT_KEY_ATTRIBUTES = ['entryUUID', 'objectGUID'];

export interface LdapSourceInput {
  bindDn?: string;
  /** The bind password, already encrypted. */
  encryptedPassword?: string;
  baseDn?: string;
  userFilter?: string;
  groupFilter?: string;
  keyAttribute?: string;
  pageSize?: string;
  incremental?: boolean;
  /** PEM text of the CA certificate(s); "" removes a stored one. */
  caCertificate?: string;
  startTls?: boolean;
}

/**
 * Reads `ldap://host:port[/baseDN]` with its options into a spec, merged over `existing` (so
 * `connection update` may change one option). The base DN may be the URL's path or --base-dn.
 */
export function parseLdapSpec(text: string, input: LdapSourceInput, existing?: LdapSourceSpec): LdapSourceSpec {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not an LDAP URL; write ldap://host:389 or ldaps://host:636`);
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') throw new Error(`${text}: an LDAP source is ldap:// or ldaps://`);
  if (url.username || url.password) throw new Error(`${text}: give the bind DN with --bind-dn and the password with --source-secret, not in the URL`);
  const pathBase = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const baseDn = input.baseDn ?? (pathBase || existing?.baseDn);
  if (!baseDn) throw new Error('An LDAP source needs a base DN: --base-dn "dc=example,dc=com" (or put it in the URL: ldap://host/dc=example,dc=com)');
  const bindDn = input.bindDn ?? existing?.bindDn;
  if (!bindDn) throw new Error('An LDAP source needs --bind-dn, the account it reads with (e.g. "cn=scimd,ou=services,dc=example,dc=com")');
  const encryptedPassword = input.encryptedPassword ?? existing?.encryptedPassword;
  if (!encryptedPassword) throw new Error('An LDAP source needs --source-secret, the password of the bind DN');
  const spec: LdapSourceSpec = {
    kind: 'ldap',
    url: `${url.protocol}//${url.host}`,
    bindDn,
    encryptedPassword,
    baseDn,
    userFilter: checkFilter(input.userFilter ?? existing?.userFilter ?? DEFAULT_USER_FILTER, '--user-filter'),
    groupFilter: checkFilter(input.groupFilter ?? existing?.groupFilter ?? DEFAULT_GROUP_FILTER, '--group-filter'),
    keyAttributes: input.keyAttribute ? [checkAttribute(input.keyAttribute)] : (existing?.keyAttributes ?? DEFAULT_KEY_ATTRIBUTES),
    pageSize: input.pageSize !== undefined ? pageSize(input.pageSize) : (existing?.pageSize ?? 500),
    incremental: input.incremental ?? existing?.incremental ?? true,
  };
  const ca = input.caCertificate !== undefined ? input.caCertificate.trim() : existing?.caCertificate;
  if (ca) spec.caCertificate = checkPem(ca);
  const startTls = input.startTls ?? existing?.startTls;
  if (startTls) {
    if (url.protocol === 'ldaps:') throw new Error(`${text}: StartTLS is for ldap:// URLs; ldaps:// is TLS from the start`);
    spec.startTls = true;
  }
  return spec;
}

/** A filter must at least be parenthesised and balanced; the server checks the rest on Test Connection. */
function checkFilter(filter: string, option: string): string {
  const text = filter.trim();
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) break;
  }
  if (!text.startsWith('(') || !text.endsWith(')') || depth !== 0) throw new Error(`${option} ${JSON.stringify(filter)} is not an LDAP filter (RFC 4515), e.g. "(objectClass=inetOrgPerson)"`);
  return text;
}

/** A CA must be PEM certificates; anything else would only fail later, at the first TLS handshake. */
function checkPem(text: string): string {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) throw new Error('The source CA is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  return text;
}

function checkAttribute(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new Error(`--source-key ${JSON.stringify(name)} is not an LDAP attribute name`);
  return name;
}

export function pageSize(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('--page-size is a whole number from 1 to 10000');
  return value;
}
