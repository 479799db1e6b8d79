import { Client } from 'ldapts';
import { foldCase } from '../../../scim/compare.js';
import { pagedSearch } from './paged-search.js';
import { pageSizeHint } from './page-size-hint.js';
import { SourceCacheSession } from '../source-cache.js';
import { decryptSourceSecret } from '../source-secret.js';
import type { Source, SourceContext, SourceGroupRecord, SourceRecord, SourceSchema, SourceSnapshot } from '../source.js';
import { adAccountDisabled, attributeOf, memberDn, modifyTimestampOf, normalizeDn, toLdapRecord, type LdapRecord } from './ldap-entry.js';
import { LDAP_GROUP_MAPPINGS, LDAP_USER_MAPPINGS } from './ldap-mappings.js';
import { connectLdap, isTlsFailure } from './ldap-connect.js';
import { readAttributeTypeNames } from './ldap-schema.js';
import { namesReadBy } from '../../mapping/source-names.js';
import type { LdapSourceSpec } from './ldap-source-spec.js';
import { completeRangedAttributes, type RawEntry } from './ranged-attributes.js';

/** Where the last read stopped: the settings it read with, and the newest modifyTimestamp seen (null: the server gave none). */
interface LdapPosition {
  settings: string;
  watermark: string | null;
}

const READ_ATTRIBUTES = ['*', 'entryUUID', 'objectGUID', 'modifyTimestamp'];
/**
 * How far before the watermark a changes search starts. A replica may apply a change with its
 * original, older timestamp after the engine read past it; re-reading a few minutes costs little
 * (unchanged entries hash the same) and catches those.
 */
const OVERLAP_MS = 5 * 60_000;

/**
 * Users and groups from an LDAP directory (OpenLDAP, Active Directory), read with paged
 * searches (RFC 2696). After the first cycle, where the server returns modifyTimestamp, only
 * entries changed since the newest timestamp seen are read in full, plus a key-only listing
 * that finds deletions; otherwise every cycle reads everything and the content hashes say what
 * changed. Members and managers are DNs, resolved to the keys of the users read.
 */
export class LdapSource implements Source {
  constructor(private readonly spec: LdapSourceSpec) {}

  describe(): string {
    return `${this.spec.url}/${this.spec.baseDn}`;
  }

  async read(context?: SourceContext): Promise<SourceSnapshot> {
    if (!context) throw new Error('An LDAP source keeps its position in the connection store');
    const password = decryptSourceSecret(this.spec.encryptedPassword, context, 'bind password of the LDAP source');
    const client = await connectLdap(this.spec, { timeout: 60_000, connectTimeout: 10_000 });
    try {
      try {
        await client.bind(this.spec.bindDn, password);
      } catch (error) {
        if (isTlsFailure(error)) throw new Error(`${this.spec.url}: TLS failed, the server's certificate was not accepted (${(error as Error).message}); give the directory's CA with --source-ca-file`);
        throw new Error(`binding to ${this.spec.url} as ${this.spec.bindDn} failed: ${(error as Error).message}`);
      }
      const cache = await SourceCacheSession.open<LdapRecord>(context);
      const position = cache.state as LdapPosition | null;
      const settings = JSON.stringify([this.spec.url, this.spec.baseDn, this.spec.userFilter, this.spec.groupFilter, this.spec.keyAttributes]);
      let watermark: string | null;
      let note: string;
      if (this.spec.incremental && position?.settings === settings && position.watermark) {
        watermark = await this.readChanges(client, cache, position.watermark);
        note = `${cache.changes} changed entries since ${position.watermark}`;
      } else {
        watermark = await this.readAll(client, cache);
        note = `full read, ${cache.changes} changed entries${watermark ? '' : ' (the server returns no modifyTimestamp: every cycle reads everything)'}`;
      }
      await cache.save({ settings, watermark } satisfies LdapPosition);
      const snapshot = this.snapshot(cache.all('User'), cache.all('Group'));
      if (context.readSchema) Object.assign(snapshot, knownNames(snapshot, await readAttributeTypeNames(client)));
      return { ...snapshot, readNote: note };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** Reads every user and group; resolves to the newest modifyTimestamp, or null when the server gives none. */
  private async readAll(client: Client, cache: SourceCacheSession<LdapRecord>): Promise<string | null> {
    let newest: string | null = '';
    for (const [type, filter] of [['User', this.spec.userFilter], ['Group', this.spec.groupFilter]] as const) {
      const records: [string, LdapRecord][] = [];
      await this.search(client, filter, READ_ATTRIBUTES, (entry) => {
        const stamp = modifyTimestampOf(entry);
        if (stamp === undefined) newest = null;
        else if (newest !== null && stamp > newest) newest = stamp;
        const record = toLdapRecord(entry);
        records.push([this.keyOf(record), record]);
      });
      cache.replaceAll(type, records);
    }
    return newest === '' ? null : newest;
  }

  /**
   * Reads the entries changed at or after the watermark (an entry changed in the same second is
   * read again, which is harmless), then lists every key to find the entries that are gone.
   * Resolves to the new watermark.
   */
  private async readChanges(client: Client, cache: SourceCacheSession<LdapRecord>, watermark: string): Promise<string> {
    let newest = watermark;
    for (const [type, filter] of [['User', this.spec.userFilter], ['Group', this.spec.groupFilter]] as const) {
      await this.search(client, `(&${filter}(modifyTimestamp>=${generalizedTime(watermark, -OVERLAP_MS)}))`, READ_ATTRIBUTES, (entry) => {
        const stamp = modifyTimestampOf(entry);
        if (stamp && stamp > newest) newest = stamp;
        const record = toLdapRecord(entry);
        cache.put(type, this.keyOf(record), record);
      });
      const present = new Set<string>();
      await this.search(client, filter, this.spec.keyAttributes, (entry) => present.add(this.keyOf(toLdapRecord(entry))));
      for (const { key } of cache.all(type)) if (!present.has(key)) cache.remove(type, key);
      // An entry listed but never read (moved in without a change of its own): read it now.
      const missing = [...present].filter((key) => cache.get(type, key) === undefined);
      if (missing.length > 0) {
        await this.search(client, filter, READ_ATTRIBUTES, (entry) => {
          const record = toLdapRecord(entry);
          const key = this.keyOf(record);
          if (missing.includes(key)) cache.put(type, key, record);
        });
      }
    }
    return newest;
  }

  private async search(client: Client, filter: string, attributes: string[], onEntry: (entry: RawEntry) => void): Promise<void> {
    try {
      for await (const page of pagedSearch(client, this.spec.baseDn, { filter, attributes, pageSize: this.spec.pageSize, explicitBufferAttributes: ['objectGUID'] })) {
        for (const entry of page) {
          await completeRangedAttributes(client, entry);
          onEntry(entry);
        }
      }
    } catch (error) {
      const hint = pageSizeHint(error, this.spec.pageSize);
      throw new Error(`searching ${this.spec.baseDn} for ${filter} failed: ${(error as Error).message}${hint ? `; ${hint}` : ''}`);
    }
  }

  /** The entry's key: the first key attribute it has (folded), else its DN. */
  private keyOf(record: LdapRecord): string {
    for (const name of this.spec.keyAttributes) {
      const value = attributeOf(record, name);
      const text = Array.isArray(value) ? value[0] : value;
      if (text) return foldCase(text);
    }
    return normalizeDn(record.dn);
  }

  /** Resolves member and manager DNs to user keys and marks disabled AD accounts. */
  private snapshot(users: { key: string; record: LdapRecord }[], groups: { key: string; record: LdapRecord }[]): SourceSnapshot {
    const problems: string[] = [];
    const keyByDn = new Map(users.map(({ key, record }) => [normalizeDn(record.dn), key]));
    const groupDns = new Set(groups.map(({ record }) => normalizeDn(record.dn)));
    const userRecords: SourceRecord[] = users.map(({ key, record }) => {
      const attributes: Record<string, unknown> = { ...record.attributes, dn: record.dn };
      const manager = attributeOf(record, 'manager');
      const managerName = Array.isArray(manager) ? manager[0] : manager;
      for (const name of Object.keys(attributes)) if (name.toLowerCase() === 'manager') delete attributes[name];
      if (managerName) {
        const managerKey = keyByDn.get(normalizeDn(managerName));
        if (managerKey) attributes.manager = managerKey;
        else problems.push(`${record.dn}: the manager ${managerName} is not a user of the source`);
      }
      if (adAccountDisabled(record)) attributes.accountEnabled = 'False';
      return { key, attributes, origin: record.dn };
    });
    const groupRecords: SourceGroupRecord[] = groups.map(({ key, record }) => {
      const members = new Set<string>();
      for (const name of ['member', 'uniqueMember']) {
        const values = attributeOf(record, name);
        for (const value of Array.isArray(values) ? values : values ? [values] : []) {
          const dn = normalizeDn(memberDn(value));
          const memberKey = keyByDn.get(dn);
          if (memberKey) members.add(memberKey);
          // Nested groups are not expanded, and groupOfNames' placeholder member is often the group itself or an empty DN.
          else if (!groupDns.has(dn) && dn !== '') problems.push(`${record.dn}: the member ${memberDn(value)} is not a user of the source`);
        }
      }
      const attributes: Record<string, unknown> = { dn: record.dn };
      for (const [name, value] of Object.entries(record.attributes)) if (!['member', 'uniquemember'].includes(name.toLowerCase())) attributes[name] = value;
      return { key, attributes, origin: record.dn, members: [...members] };
    });
    return {
      users: userRecords,
      groups: groupRecords,
      userFormat: 'attributes',
      groupFormat: 'attributes',
      userAttributes: namesOf(userRecords),
      groupAttributes: namesOf(groupRecords),
      problems,
      defaultMappings: { users: LDAP_USER_MAPPINGS, groups: LDAP_GROUP_MAPPINGS },
    };
  }
}

/** A generalized time (`20261128153000Z`, maybe with a fraction) moved by `deltaMs`, in the same form without the fraction. */
export function generalizedTime(text: string, deltaMs: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(text);
  if (!m) return text;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + deltaMs;
  return new Date(time).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * What mappings may read: every attribute type of the directory's schema, or, when the schema
 * cannot be read, the attributes the entries read hold; with `dn` and `accountEnabled` (from AD's
 * userAccountControl), which the source adds itself, and the names the default mappings read for
 * either kind of directory (`Coalesce([uid], [sAMAccountName])` is fine on OpenLDAP too).
 */
function knownNames(snapshot: SourceSnapshot, schema: string[] | undefined): { userSchema: SourceSchema; groupSchema: SourceSchema } {
  const from = schema ? "the directory's schema" : "the attributes of the entries read (the directory's schema could not be read)";
  // Nothing known (no schema, no entry read): nothing to check against.
  const names = (seen: string[], extra: string[]) => (schema || seen.length > 0 ? [...new Set([...(schema ?? []), ...seen, 'dn', ...extra])] : []);
  return {
    userSchema: { names: names(snapshot.userAttributes, ['accountEnabled', ...namesReadBy(LDAP_USER_MAPPINGS)]), from },
    groupSchema: { names: names(snapshot.groupAttributes, namesReadBy(LDAP_GROUP_MAPPINGS)), from },
  };
}

function namesOf(records: SourceRecord[]): string[] {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record.attributes)) names.add(name);
  return [...names].sort();
}
