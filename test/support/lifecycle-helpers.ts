import { createSecret } from '../../src/auth/secrets.js';
import type { DirectoryEvent, EventType } from '../../src/events/event-types.js';
import type { SecretRecord } from '../../src/store/store.js';
import { runSql } from './raw-sql.js';
import type { ScimResponse, TestServer } from './test-server.js';
import { waitFor } from './wait.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A SCIM request with whatever credential the test holds (a secret or an access token). */
export function callWith(server: TestServer, credential: string, method = 'GET', path = '/Users', body?: unknown, headers: Record<string, string> = {}): Promise<ScimResponse> {
  return server.raw(method, path, {
    headers: { authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A new client secret for a directory, created at the server's clock time. */
export async function newSecret(server: TestServer, directoryId: string, name: string, lifetimeMs: number | null = 365 * DAY): Promise<{ record: SecretRecord; secret: string }> {
  return createSecret(server.store, { directoryId, scope: 'scim', name, lifetimeMs, now: server.clock.now });
}

/** The directory's events of some types, oldest first. */
export async function eventsOf(server: TestServer, directoryId: string, ...types: EventType[]): Promise<DirectoryEvent[]> {
  const events = await server.store.readEvents(directoryId, 0, 10_000);
  return types.length ? events.filter((e) => types.includes(e.type)) : events;
}

export async function secretRecord(server: TestServer, id: string): Promise<SecretRecord> {
  const record = await server.store.findSecret(id);
  if (!record) throw new Error(`no secret ${id}`);
  return record;
}

/** The directory's one secret created by `server.createDirectory()`. */
export async function firstSecretOf(server: TestServer, directoryId: string): Promise<SecretRecord> {
  return (await server.store.listSecrets(directoryId))[0];
}

/** Sets a directory's settings document (the admin API will own this; the Store has no setter yet). */
export function setDirectorySettings(server: TestServer, directoryId: string, settings: object): Promise<void> {
  return runSql(server.databaseUrl, 'UPDATE directories SET settings = $1 WHERE id = $2', [JSON.stringify(settings), directoryId]);
}

/** Moves the server's clock forward by `ms`. */
export function advance(server: TestServer, ms: number): Date {
  server.clock.now = new Date(server.clock.now.getTime() + ms);
  return server.clock.now;
}

/** Waits for a condition the test's own traffic makes true (progress, not time). */
export async function until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
  await waitFor(what, condition, { timeoutMs, intervalMs: 2 });
}
