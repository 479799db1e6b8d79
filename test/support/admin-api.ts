import assert from 'node:assert/strict';
import { createSecret } from '../../src/auth/secrets.js';
import type { ScimResponse, TestServer } from './test-server.js';

/** Calls /api/v1 of a test server with a bearer secret (an admin secret unless the test says otherwise). */
export type AdminCall = <T = any>(method: string, path: string, body?: unknown, secret?: string | null) => Promise<ScimResponse<T>>;

/** Creates an admin secret directly in the store and returns a caller that sends it. */
export async function adminApi(server: TestServer): Promise<{ call: AdminCall; secret: string; secretId: string }> {
  const { record, secret } = await createSecret(server.store, { directoryId: null, scope: 'admin', name: 'test admin', lifetimeMs: null, now: server.clock.now });
  const call: AdminCall = (method, path, body, as = secret) =>
    server.raw(method, `${server.origin}/api/v1${path}`, {
      headers: {
        ...(as === null ? {} : { authorization: `Bearer ${as}` }),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  return { call, secret, secretId: record.id };
}

/** An RFC 9457 problem with this status (and problem type, when given). */
export function assertProblem(response: ScimResponse, status: number, problem?: string): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = response.body as { type: string; title: string; status: number; detail: string };
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.ok(body.detail.length > 10, `a detail that explains: ${body.detail}`);
  if (problem) assert.equal(body.type, `urn:scimd:problem:${problem}`);
}

export function assertOk(response: ScimResponse, status = 200): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
}
