import { WIRE_FORMATS, type WireFormat } from '../client/target-updates.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Encryptor } from '../../auth/encryption.js';
import { durationHint, parseDuration } from '../../auth/duration.js';
import { isJsonObject } from '../../scim/json.js';
import type { AttributeMapping, ConnectionView, ObjectMappings } from '../../admin/api-views.js';
import { describeThreshold, parseDeletionThreshold } from '../planner/circuit-breaker.js';
import { parseDeleteAfter } from '../engine/run-cycle.js';
import { hasSourceInput, parseSourceSpec, withoutSecrets, type SourceInput } from '../sources/source-spec.js';
import { parseSchedule } from '../scheduler/schedule.js';
import { DEFAULT_SETTINGS, type ConnectionRecord, type TargetCredential } from './connection.js';

/** What `scimd connection create|update` accepts, as the CLI hands it over (text). */
export interface ConnectionInput extends SourceInput {
  source?: string;
  groups?: string;
  memberships?: string;
  userKey?: string;
  groupKey?: string;
  target?: string;
  secret?: string;
  secretExpires?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  oauthScope?: string;
  mapping?: string;
  /** The mappings document itself (the admin API), instead of a file; "default" for the defaults. */
  mappings?: unknown;
  /** How often `scimd serve` runs cycles: 40min, 1h, continuous, off. */
  schedule?: string;
  /** scim (default) or entra-legacy. */
  wireFormat?: string;
  scopeUsers?: string;
  scopeGroups?: string;
  concurrency?: string;
  rate?: string;
  timeout?: string;
  deleteAfter?: string;
  deletionThreshold?: string;
  adopt?: boolean;
  syncGroups?: boolean;
  /** Most members per PATCH (1–1000; default 100). */
  membersPerRequest?: string;
  /** How often a scheduled cycle is a full reconcile: a duration (24h) or off. */
  fullSyncEvery?: string;
}

/** Names the `sync` command uses for its own subcommands. */
const RESERVED = new Set(['log', 'cycles']);

export function newConnection(name: string, input: ConnectionInput, encryptor: Encryptor, now: Date): ConnectionRecord {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new Error('A connection name is letters, digits, ".", "_" and "-", starting with a letter or digit');
  if (RESERVED.has(name.toLowerCase())) throw new Error(`"${name}" is reserved for "scimd sync ${name}"; choose another name`);
  if (!input.source) throw new Error('--source is required: file:users.csv, ldap://host/dc=example,dc=com, scim+https://host/scim/v2 or directory:<id or name>');
  if (!input.target) throw new Error('--target is required: the SCIM base URL (tenant URL) of the app');
  if (!input.secret && !input.clientSecret) throw new Error('Give the target credential: --secret <secret token>, or --token-url, --client-id and --client-secret');
  const record: ConnectionRecord = {
    id: `conn_${randomBytes(8).toString('hex')}`,
    name,
    source: parseSourceSpec(input, encryptor),
    targetUrl: '',
    credentialKind: 'bearer',
    encryptedCredential: '',
    credentialExpiresAt: null,
    mappings: null,
    scoping: {},
    settings: { ...DEFAULT_SETTINGS },
    created: now.toISOString(),
    updated: now.toISOString(),
  };
  return applyConnectionInput(record, input, encryptor, now);
}

/** Applies the options given to a connection; options not given leave it as it is. */
export function applyConnectionInput(existing: ConnectionRecord, input: ConnectionInput, encryptor: Encryptor, now: Date): ConnectionRecord {
  const record: ConnectionRecord = structuredClone(existing);
  if (hasSourceInput(input)) record.source = parseSourceSpec(input, encryptor, existing.source);
  if (input.target) record.targetUrl = parseTargetUrl(input.target);
  const credential = credentialFrom(input);
  if (credential) {
    record.credentialKind = credential.kind;
    record.encryptedCredential = encryptor.encrypt(JSON.stringify(credential));
    record.credentialExpiresAt = null;
  }
  if (input.secretExpires !== undefined) record.credentialExpiresAt = parseExpiry(input.secretExpires, now);
  if (input.mapping !== undefined) record.mappings = input.mapping === 'default' ? null : loadMappingFile(input.mapping);
  if (input.mappings !== undefined) record.mappings = input.mappings === 'default' || input.mappings === null ? null : parseMappings(input.mappings, 'mappings');
  if (input.scopeUsers !== undefined) record.scoping.users = input.scopeUsers.trim() || undefined;
  if (input.scopeGroups !== undefined) record.scoping.groups = input.scopeGroups.trim() || undefined;
  const settings = record.settings;
  if (input.concurrency !== undefined) settings.concurrency = positiveInteger(input.concurrency, '--concurrency', 1, 64);
  if (input.rate !== undefined) settings.ratePerSecond = positiveInteger(input.rate, '--rate', 0, 100_000);
  if (input.timeout !== undefined) settings.timeoutSeconds = positiveInteger(input.timeout, '--timeout', 1, 600);
  if (input.deleteAfter !== undefined) {
    parseDeleteAfter(input.deleteAfter);
    settings.deleteAfter = input.deleteAfter.trim();
  }
  if (input.deletionThreshold !== undefined) settings.deletionThreshold = parseDeletionThreshold(input.deletionThreshold);
  if (input.adopt !== undefined) settings.adopt = input.adopt;
  if (input.syncGroups !== undefined) settings.groups = input.syncGroups;
  if (input.wireFormat !== undefined) {
    const format = input.wireFormat.trim().toLowerCase();
    if (!(WIRE_FORMATS as readonly string[]).includes(format)) throw new Error(`--wire-format is ${WIRE_FORMATS.join(' or ')}`);
    settings.wireFormat = format as WireFormat;
  }
  if (input.membersPerRequest !== undefined) settings.membersPerRequest = positiveInteger(String(input.membersPerRequest), '--members-per-request', 1, 1000);
  if (input.fullSyncEvery !== undefined) settings.fullSyncEvery = parseFullSyncEvery(input.fullSyncEvery);
  if (input.schedule !== undefined) {
    parseSchedule(input.schedule);
    settings.schedule = input.schedule.trim().toLowerCase();
  }
  record.updated = now.toISOString();
  return record;
}

export type { ConnectionView } from '../../admin/api-views.js';

export function describeConnection(c: ConnectionRecord): ConnectionView {
  return {
    id: c.id,
    name: c.name,
    source: withoutSecrets(c.source),
    target: c.targetUrl,
    credential: { kind: c.credentialKind, expiresAt: c.credentialExpiresAt },
    mappings: c.mappings ?? 'default',
    scoping: c.scoping,
    settings: { ...c.settings, deletionThreshold: describeThreshold(c.settings.deletionThreshold) },
    created: c.created,
    updated: c.updated,
  };
}

function credentialFrom(input: ConnectionInput): TargetCredential | undefined {
  const oauth = input.tokenUrl || input.clientId || input.clientSecret;
  if (input.secret && oauth) throw new Error('Give either --secret or OAuth client credentials, not both');
  if (input.secret) {
    if (/\s/.test(input.secret.trim())) throw new Error('The secret contains white space; paste only the token');
    return { kind: 'bearer', secret: input.secret.trim() };
  }
  if (!oauth) return undefined;
  if (!input.tokenUrl || !input.clientId || !input.clientSecret) throw new Error('OAuth client credentials need --token-url, --client-id and --client-secret');
  parseTargetUrl(input.tokenUrl);
  return { kind: 'oauth', tokenUrl: input.tokenUrl, clientId: input.clientId, clientSecret: input.clientSecret, ...(input.oauthScope ? { scope: input.oauthScope } : {}) };
}

function parseTargetUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not a URL; give the SCIM base URL, e.g. https://app.example.com/scim/v2`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${text}: the target must be an http(s) URL`);
  if (url.username || url.password) throw new Error(`${text}: put credentials in --secret, not in the URL`);
  return text.replace(/\/+(\?|$)/, '$1');
}

/** `off`, or a duration of at least an hour (a full reconcile reads the whole target). */
function parseFullSyncEvery(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'off' || value === '' || value === 'never') return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms === null || ms < 3_600_000) throw new Error(`--full-sync-every ${JSON.stringify(text)} is a duration of at least 1h (24h, 7d) or off${ms === undefined ? durationHint(value) : ''}`);
  return value;
}

/** An ISO date, or a duration from now (`365d`, `1y`), or `never`. */
function parseExpiry(text: string, now: Date): string | null {
  const duration = parseDuration(text);
  if (duration === null) return null;
  if (duration !== undefined) return new Date(now.getTime() + duration).toISOString();
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new Error(`--secret-expires ${JSON.stringify(text)} is a date (2027-03-31) or a lifetime (365d, 1y, never)${/^\s*\d+\s*[a-z]+\s*$/i.test(text) ? durationHint(text) : ''}`);
  return new Date(time).toISOString();
}

function positiveInteger(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${option} is a whole number from ${min} to ${max}`);
  return value;
}

/** A mapping file: `{"users": [...], "groups": [...]}`; a list given replaces the defaults for that type. */
export function loadMappingFile(path: string): Partial<ObjectMappings> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`The mapping file ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseMappings(document, `The mapping file ${path}`);
}

/** Checks the shape of a mappings document (each mapping is compiled when the connection is checked). */
export function parseMappings(document: unknown, where: string): Partial<ObjectMappings> {
  if (!isJsonObject(document)) throw new Error(`${where} must be an object with "users" and/or "groups" lists`);
  const mappings: Partial<ObjectMappings> = {};
  for (const key of Object.keys(document)) {
    if (key !== 'users' && key !== 'groups') throw new Error(`${where}: unknown key ${JSON.stringify(key)} (expected "users" or "groups")`);
    const list = document[key];
    if (!Array.isArray(list) || !list.every(isJsonObject)) throw new Error(`${where}: "${key}" must be a list of mappings`);
    mappings[key] = list as unknown as AttributeMapping[];
  }
  return mappings;
}
