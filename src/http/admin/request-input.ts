import { invalidInput } from '../../admin/admin-error.js';
import type { SettingsPatch } from '../../admin/admin-views.js';

/**
 * Admin API input read into typed values at the edge: a body is a JSON object with only the
 * fields a route knows (a misspelt field is an error, not silently ignored), query parameters
 * appear once. What the values mean is checked once, in AdminService.
 */
export function bodyFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidInput('The body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !allowed.includes(key));
  if (unknown.length) {
    throw invalidInput(`Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; this request accepts ${allowed.join(', ') || 'no fields'}`);
  }
  return fields;
}

export function optionalString(fields: Record<string, unknown>, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidInput(`${key} must be a string`);
  return value;
}

export function requiredString(fields: Record<string, unknown>, key: string): string {
  const value = optionalString(fields, key);
  if (value === undefined) throw invalidInput(`${key} is required`);
  return value;
}

const SETTINGS_FIELDS = ['maxActiveSecrets', 'defaultSecretLifetime', 'allowSelfRotation', 'autoRevokeGraceHours'] as const;

/** A settings change: each field its own type, or null for the default. */
export function settingsPatch(value: unknown): SettingsPatch {
  const fields = bodyFields(value, SETTINGS_FIELDS);
  const typed = <T>(key: (typeof SETTINGS_FIELDS)[number], type: 'number' | 'string' | 'boolean'): T | null | undefined => {
    const v = fields[key];
    if (v === undefined || v === null) return v as null | undefined;
    if (typeof v !== type) throw invalidInput(`${key} must be a ${type} or null`);
    return v as T;
  };
  const patch: SettingsPatch = {};
  const max = typed<number>('maxActiveSecrets', 'number');
  if (max !== undefined) patch.maxActiveSecrets = max;
  const lifetime = typed<string>('defaultSecretLifetime', 'string');
  if (lifetime !== undefined) patch.defaultSecretLifetime = lifetime;
  const selfRotation = typed<boolean>('allowSelfRotation', 'boolean');
  if (selfRotation !== undefined) patch.allowSelfRotation = selfRotation;
  const grace = typed<number>('autoRevokeGraceHours', 'number');
  if (grace !== undefined) patch.autoRevokeGraceHours = grace;
  return patch;
}

/** A query parameter given at most once. */
export function queryParam(query: unknown, key: string): string | undefined {
  const value = (query as Record<string, string | string[] | undefined> | undefined)?.[key];
  if (Array.isArray(value)) throw invalidInput(`Give the query parameter ${key} once`);
  return value;
}

/** `?force=true`; absent or `false` is false. */
export function flagParam(query: unknown, key: string): boolean {
  const value = queryParam(query, key);
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw invalidInput(`${key} must be true or false`);
}

export function numberParam(query: unknown, key: string): number | undefined {
  const value = queryParam(query, key);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalidInput(`${key} must be a positive number`);
  return n;
}
