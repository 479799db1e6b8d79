import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partialMatch, readPointer, type Mismatch } from './partial-match.js';
import type { ScimResponse } from './test-server.js';

/** One request an identity provider sends and what it expects back (test/fixtures/README.md). */
export interface IdpFixture {
  description?: string;
  request: {
    method: string;
    /** Relative to the SCIM base URL, exactly as the client writes it (encoding included). */
    path: string;
    /** `secret` (default) sends `Authorization: Bearer {{secret}}`; `none` sends no Authorization. */
    auth?: 'secret' | 'none';
    headers?: Record<string, string>;
    /** A JSON body, serialised as is. */
    body?: unknown;
    /** Or the body's exact text, for bodies that are not what JSON.stringify would write. */
    rawBody?: string;
  };
  response: {
    status: number;
    /** Header name → a substring its value must contain. */
    headers?: Record<string, string>;
    /** A partial expected body (test/support/partial-match.ts). */
    body?: unknown;
    /**
     * The client's own deadline for this step, in milliseconds. Documented here, reported by the
     * replay, never asserted: a shared CI machine measures its neighbours as much as scimd. The
     * bench measures it (bench/workload.ts).
     */
    maxMs?: number;
  };
  /** Variable name → JSON Pointer into the response body; later files use `{{name}}`. */
  capture?: Record<string, string>;
}

/** A folder of fixtures: its `NN-*.json` steps in name order and its `variables.json`. */
export interface FixtureFolder {
  name: string;
  steps: { file: string; fixture: IdpFixture }[];
  variables: Record<string, VariableSpec>;
}

/** A literal (template) value, a generated one, or an upper-cased template. */
export type VariableSpec = string | { generate: keyof typeof GENERATORS } | { upper: string };

const GENERATORS = {
  uuid: () => randomUUID(),
  /** Okta's Initial_Script_Spec.txt: "Runscope" and three digits. */
  'runscope-given-name': () => `Runscope${digits(3)}`,
  /** Okta's Initial_Script_Spec.txt: a capital, eight lower-case letters and three digits. */
  'runscope-family-name': () => letters(1).toUpperCase() + letters(8) + digits(3),
};

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Every fixture folder under root, two levels deep (`<idp>/<scenario>`), in name order. */
export function loadFixtureFolders(root: string): FixtureFolder[] {
  const folders: FixtureFolder[] = [];
  for (const idp of sortedDirs(root)) {
    for (const scenario of sortedDirs(join(root, idp))) {
      const dir = join(root, idp, scenario);
      const files = readdirSync(dir).filter((f) => /^\d+-.*\.json$/.test(f)).sort();
      const steps = files.map((file) => ({ file, fixture: parseFixture(join(dir, file), readFileSync(join(dir, file), 'utf8')) }));
      const variablesFile = readdirSync(dir).includes('variables.json') ? join(dir, 'variables.json') : undefined;
      const variables = variablesFile ? (JSON.parse(readFileSync(variablesFile, 'utf8')) as Record<string, VariableSpec>) : {};
      folders.push({ name: `${idp}/${scenario}`, steps, variables });
    }
  }
  return folders;
}

/** The values of a folder's variables for one run, after the built-ins given. */
export function resolveVariables(specs: Record<string, VariableSpec>, builtins: Record<string, string>): Map<string, string> {
  const values = new Map(Object.entries(builtins));
  for (const [name, spec] of Object.entries(specs)) {
    if (typeof spec === 'string') values.set(name, substitute(spec, values, `variable ${name}`));
    else if ('generate' in spec) {
      const generate = GENERATORS[spec.generate];
      if (!generate) throw new Error(`variable ${name}: unknown generator ${JSON.stringify(spec.generate)}`);
      values.set(name, generate());
    } else if ('upper' in spec) values.set(name, substitute(spec.upper, values, `variable ${name}`).toUpperCase());
    else throw new Error(`variable ${name}: unsupported specification ${JSON.stringify(spec)}`);
  }
  return values;
}

/** Replaces `{{name}}` in a string; an unknown name is an error in the fixture. */
export function substitute(text: string, variables: Map<string, string>, where: string): string {
  return text.replace(/\{\{\s*([\w$-]+)\s*\}\}/g, (_, name: string) => {
    const value = variables.get(name);
    if (value === undefined) throw new Error(`${where}: unknown variable {{${name}}} (known: ${[...variables.keys()].join(', ')})`);
    return value;
  });
}

/** Substitutes variables in every string (not key) of a JSON value. */
export function substituteDeep(value: unknown, variables: Map<string, string>, where: string): unknown {
  if (typeof value === 'string') return substitute(value, variables, where);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, variables, where));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, variables, where)]));
  }
  return value;
}

/** The request a fixture describes, after substitution: what goes on the wire. */
export function buildRequest(fixture: IdpFixture, variables: Map<string, string>): { method: string; path: string; headers: Record<string, string>; body?: string } {
  const { request } = fixture;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = substitute(value, variables, 'request.headers');
  if ((request.auth ?? 'secret') === 'secret' && headers.authorization === undefined) {
    headers.authorization = `Bearer ${variables.get('secret')}`;
  }
  let body: string | undefined;
  if (request.rawBody !== undefined) body = substitute(request.rawBody, variables, 'request.rawBody');
  else if (request.body !== undefined) body = JSON.stringify(substituteDeep(request.body, variables, 'request.body'));
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/scim+json';
  return { method: request.method, path: substitute(request.path, variables, 'request.path'), headers, ...(body !== undefined ? { body } : {}) };
}

/**
 * Checks a response against the fixture and against what every SCIM response owes a client:
 * the SCIM media type on any body, no body on 204, and on errors the RFC 7644 §3.12 body
 * (Error schema, `status` as the status code in a string).
 */
export function checkResponse(fixture: IdpFixture, response: ScimResponse, variables: Map<string, string>): Mismatch[] {
  const expected = fixture.response;
  const problems: Mismatch[] = [];
  const at = (pointer: string, message: string) => problems.push({ pointer, message });
  if (response.status !== expected.status) at('status', `expected ${expected.status}, got ${response.status}`);

  const contentType = response.headers.get('content-type');
  if (response.text !== '') {
    if (!contentType || !/^application\/scim\+json\b/i.test(contentType)) at('header content-type', `expected application/scim+json, got ${JSON.stringify(contentType)}`);
    if (typeof response.body !== 'object' || response.body === null) at('body', 'is not a JSON object');
  } else if (response.status !== 204 && response.status !== 304) {
    at('body', `is empty on ${response.status}`);
  }
  if (response.status === 204 && response.text !== '') at('body', 'a 204 must have no body');
  if (response.status >= 400) {
    const body = response.body as Record<string, unknown> | undefined;
    const schemas = body?.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(ERROR_SCHEMA)) at('/schemas', `an error body must list ${ERROR_SCHEMA}`);
    if (body?.status !== String(response.status)) at('/status', `an error body must carry "status": "${response.status}" (a string), got ${JSON.stringify(body?.status)}`);
    if (body?.detail !== undefined && typeof body.detail !== 'string') at('/detail', 'must be a string');
  }

  for (const [name, substring] of Object.entries(expected.headers ?? {})) {
    const want = substitute(substring, variables, 'response.headers');
    const value = response.headers.get(name);
    if (value === null) at(`header ${name}`, `missing; expected it to contain ${JSON.stringify(want)}`);
    else if (!value.includes(want)) at(`header ${name}`, `expected it to contain ${JSON.stringify(want)}, got ${JSON.stringify(value)}`);
  }
  if (expected.body !== undefined) {
    problems.push(...partialMatch(substituteDeep(expected.body, variables, 'response.body'), response.body).map((m) => ({ pointer: `body ${m.pointer || '/'}`, message: m.message })));
  }
  return problems;
}

/** Reads the captures a fixture asks for from a response body into the variables. */
export function capture(fixture: IdpFixture, body: unknown, variables: Map<string, string>): Mismatch[] {
  const problems: Mismatch[] = [];
  for (const [name, pointer] of Object.entries(fixture.capture ?? {})) {
    const value = readPointer(body, pointer);
    if (typeof value === 'string' || typeof value === 'number') variables.set(name, String(value));
    else problems.push({ pointer: `capture ${name} ${pointer}`, message: `expected a string or number, got ${JSON.stringify(value)}` });
  }
  return problems;
}

function parseFixture(path: string, text: string): IdpFixture {
  let fixture: IdpFixture;
  try {
    fixture = JSON.parse(text) as IdpFixture;
  } catch (error) {
    throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof fixture.request?.method !== 'string' || typeof fixture.request.path !== 'string' || typeof fixture.response?.status !== 'number') {
    throw new Error(`${path}: a fixture needs request.method, request.path and response.status`);
  }
  return fixture;
}

function sortedDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function digits(n: number): string {
  return Array.from({ length: n }, () => String(randomInt(10))).join('');
}

function letters(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
}
