import { foldCase } from '../../../scim/compare.js';
import type { RawEntry } from './ranged-attributes.js';

/** An LDAP entry as the source keeps it between cycles: its DN and its attributes as text. */
export interface LdapRecord {
  dn: string;
  /** Attribute name (as the server spells it) → one value, or several for multi-valued attributes. */
  attributes: Record<string, string | string[]>;
}

/** Attributes never read into the engine: secrets, and binary values that are no use to a SCIM app. */
const SKIPPED = new Set(
  ['userPassword', 'unicodePwd', 'dBCSPwd', 'ntPwdHistory', 'lmPwdHistory', 'supplementalCredentials', 'sambaNTPassword', 'sambaLMPassword', 'pwdHistory',
   'jpegPhoto', 'thumbnailPhoto', 'photo', 'audio', 'userCertificate', 'userSMIMECertificate', 'userPKCS12', 'objectSid', 'msExchMailboxGuid', 'mSMQDigests', 'mSMQSignCertificates',
   'modifyTimestamp', 'whenChanged', 'uSNChanged', 'lastLogon', 'lastLogonTimestamp', 'logonCount', 'badPwdCount', 'badPasswordTime', 'pwdLastSet'].map((a) => a.toLowerCase()),
);
/** Attributes kept as lists; every other attribute keeps its first value. */
const MULTI = new Set(['objectclass', 'member', 'uniquemember', 'memberof']);


/**
 * Turns an entry from the client library into a record. Values that change on every read (last
 * logon, modifyTimestamp) are left out so the content hash changes only when the content does;
 * objectGUID is written as a GUID string.
 */
export function toLdapRecord(entry: RawEntry): LdapRecord {
  const attributes: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(entry)) {
    const lower = name.toLowerCase();
    if (name === 'dn' || SKIPPED.has(lower)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? (lower === 'objectguid' ? formatGuid(v) : v.toString('base64')) : String(v)));
    if (values.length === 0) continue;
    attributes[name] = MULTI.has(lower) ? values : values[0];
  }
  return { dn: entry.dn, attributes };
}

/** The modifyTimestamp of an entry (generalized time), when the server returned it. */
export function modifyTimestampOf(entry: RawEntry): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === 'modifytimestamp');
  const value = key === undefined ? undefined : entry[key];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined ? undefined : String(text);
}

/** Reads one attribute case-insensitively (servers answer in their own spelling). */
export function attributeOf(record: LdapRecord, name: string): string | string[] | undefined {
  const lower = name.toLowerCase();
  if (lower === 'dn' || lower === 'distinguishedname') return record.dn;
  const key = Object.keys(record.attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record.attributes[key];
}

/** A DN in a form two spellings of the same name share: lower case, no spaces around separators. */
export function normalizeDn(dn: string): string {
  return foldCase(dn.replace(/\s*([,=+])\s*/g, '$1').trim());
}

/** The DN a uniqueMember value names (it may end with `#'0101'B`, an optional unique identifier). */
export function memberDn(value: string): string {
  return value.replace(/#'[01]*'B$/, '');
}

/** AD's objectGUID: the first three fields little-endian, the rest as stored. */
function formatGuid(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = (from: number, to: number, reverse: boolean) => {
    const slice = [...bytes.subarray(from, to)];
    return (reverse ? slice.reverse() : slice).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** Whether AD's userAccountControl says the account is disabled (ACCOUNTDISABLE, bit 2). */
export function adAccountDisabled(record: LdapRecord): boolean {
  const value = attributeOf(record, 'userAccountControl');
  const flags = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(flags) && (flags & 2) === 2;
}
