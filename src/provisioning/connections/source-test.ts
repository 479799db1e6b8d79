import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError, type Client } from 'ldapts';
import { isAuthenticationFailure, TransportError } from '../client/client-errors.js';
import { BearerSecret } from '../client/credentials.js';
import { ScimClient, type ScimClientOptions } from '../client/scim-client.js';
import { Redactor } from '../engine/redactor.js';
import { prepareSource, type PreparedSource } from '../engine/prepare-source.js';
import { connectLdap, isTlsFailure } from '../sources/ldap/ldap-connect.js';
import type { LdapSourceSpec } from '../sources/ldap/ldap-source-spec.js';
import type { ScimSourceSpec } from '../sources/scim/scim-source.js';
import { describeSource } from '../sources/source-spec.js';
import type { SourceContext } from '../sources/source.js';
import type { ConnectionRecord } from './connection.js';
import { describeSpc, LOOPBACK, type StepStatus, type TestStep } from './connection-test.js';

export interface SourceTestResult {
  steps: TestStep[];
  /** The source read and mapped, when it could be (the target probes filter on its first matching attribute). */
  prepared?: PreparedSource;
}

/**
 * The source half of Test Connection: can the source be opened (file found, directory server
 * reachable over TLS with the bind accepted, SCIM source answering with the secret accepted,
 * hub directory present), then one preview read through the mappings and scoping filters, with
 * counts. Steps are in plain words; a failed step skips the ones that depend on it.
 */
export async function testSource(connection: ConnectionRecord, now: Date, context: Omit<SourceContext, 'connectionId' | 'preview'>, clientOptions: Partial<ScimClientOptions> = {}): Promise<SourceTestResult> {
  const steps: TestStep[] = [];
  const secrets: string[] = [];
  const add = (step: string, status: StepStatus, detail: string) => steps.push({ side: 'source', step, status, detail });
  const spec = connection.source;
  let opened = false;
  try {
    if (spec.kind === 'file') opened = await fileSteps([spec.users, spec.groups, spec.memberships].filter((p): p is string => Boolean(p)), add);
    else if (spec.kind === 'ldap') opened = await ldapSteps(spec, decrypt(spec.encryptedPassword, context, secrets), add);
    else if (spec.kind === 'scim') opened = await scimSteps(spec, decrypt(spec.encryptedSecret, context, secrets), add, clientOptions);
    else {
      const directory = await context.store.directoryStore().findDirectory(spec.directory);
      if (directory) add('Source directory', 'ok', `directory ${directory.name} (${directory.id}) on this database`);
      else add('Source directory', 'failed', `no directory ${JSON.stringify(spec.directory)} on this database; see "scimd directory list"`);
      opened = Boolean(directory);
    }
  } catch (error) {
    add('Source', 'failed', (error as Error).message);
  }
  let prepared: PreparedSource | undefined;
  if (!opened) add('Source read', 'skipped', 'not tried: the source cannot be opened');
  else {
    try {
      prepared = await prepareSource(connection, now, { ...context, preview: true }, { checkSourceNames: true });
      const inScope = (list: { inScope: boolean }[]) => list.filter((d) => d.inScope).length;
      const problems = [...prepared.snapshot.problems, ...[...prepared.users, ...prepared.groups].filter((d) => d.error).map((d) => `${d.origin}: ${d.error}`)];
      const counts = `${prepared.users.length} users (${inScope(prepared.users)} in scope) and ${prepared.groups.length} groups (${inScope(prepared.groups)} in scope) from ${describeSource(spec)}; mappings and scoping filters apply`;
      if (problems.length) add('Source read', 'warning', `${counts}; ${problems.length} problem${problems.length === 1 ? '' : 's'}, the first: ${problems.slice(0, 3).join('; ')}`);
      else if (prepared.users.length === 0) add('Source read', 'warning', `${counts}; the source holds no users`);
      else add('Source read', 'ok', counts);
    } catch (error) {
      add('Source read', 'failed', (error as Error).message);
    }
  }
  const redactor = new Redactor(secrets);
  return { steps: steps.map((s) => ({ ...s, detail: redactor.text(s.detail) })), prepared };
}

function decrypt(encrypted: string, context: Pick<SourceContext, 'encryptor'>, secrets: string[]): string {
  if (!context.encryptor) throw new Error('Testing the source needs the credential key to decrypt its secret');
  let secret: string;
  try {
    secret = context.encryptor.decrypt(encrypted);
  } catch {
    throw new Error("The source's secret cannot be decrypted: the encryption key differs from the one it was stored with (SCIMD_ENCRYPTION_KEY or the key file)");
  }
  secrets.push(secret);
  return secret;
}

type Add = (step: string, status: StepStatus, detail: string) => void;

async function fileSteps(paths: string[], add: Add): Promise<boolean> {
  let ok = true;
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error('it is not a file'), { code: 'EISDIR' });
      await access(path, constants.R_OK);
      add('Source file', 'ok', `${path} (${info.size} bytes) is readable`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      add('Source file', 'failed', `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable by this process' : (error as Error).message}`);
      ok = false;
    }
  }
  return ok;
}

async function ldapSteps(spec: LdapSourceSpec, password: string, add: Add): Promise<boolean> {
  const url = new URL(spec.url);
  const ldaps = url.protocol === 'ldaps:';
  const port = Number(url.port || (ldaps ? 636 : 389));
  const started = Date.now();
  try {
    await tcpReachable(url.hostname.replace(/^\[|\]$/g, ''), port);
  } catch (error) {
    add('Source reachable', 'failed', `could not connect to ${url.host}: ${(error as Error).message}`);
    return false;
  }
  add('Source reachable', 'ok', `${url.hostname}:${port} accepted the connection in ${Date.now() - started} ms`);
  let client: Client | undefined;
  try {
    try {
      client = await connectLdap(spec, { timeout: 20_000, connectTimeout: 10_000 });
      await client.bind(spec.bindDn, password);
    } catch (error) {
      if (isTlsFailure(error)) {
        add('Source TLS', 'failed', `the directory's certificate was not accepted (${(error as Error).message})${spec.caCertificate ? ": it does not chain to the connection's CA" : '; for a private CA give it with --source-ca-file'}`);
        return false;
      }
      add('Source TLS', ldaps || spec.startTls ? 'ok' : 'warning', tlsDetail(spec, url.hostname));
      add('Source bind', 'failed', error instanceof InvalidCredentialsError ? `the directory refused the bind DN ${spec.bindDn} or its password` : `binding as ${spec.bindDn} failed: ${(error as Error).message}`);
      return false;
    }
    add('Source TLS', ldaps || spec.startTls || LOOPBACK.test(url.hostname) ? 'ok' : 'warning', tlsDetail(spec, url.hostname));
    add('Source bind', 'ok', `bound as ${spec.bindDn}`);
    try {
      await client.search(spec.baseDn, { scope: 'base', attributes: ['1.1'] });
      add('Source base DN', 'ok', `${spec.baseDn} exists`);
    } catch (error) {
      add('Source base DN', 'failed', error instanceof NoSuchObjectError ? `${spec.baseDn} does not exist on the directory (or the bind DN may not see it)` : `${spec.baseDn}: ${(error as Error).message}`);
      return false;
    }
    for (const [label, filter] of [['user', spec.userFilter], ['group', spec.groupFilter]] as const) {
      add(`Source ${label} search`, ...(await sampleSearch(client, spec.baseDn, filter, label)));
    }
    return true;
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}

function tlsDetail(spec: LdapSourceSpec, host: string): string {
  const ca = spec.caCertificate ? "the connection's CA" : 'the system CAs';
  if (spec.url.startsWith('ldaps:')) return `ldaps://, certificate verified against ${ca}`;
  if (spec.startTls) return `StartTLS, certificate verified against ${ca}`;
  return `not encrypted (ldap://)${LOOPBACK.test(host) ? '; acceptable on this machine only' : '; the bind password crosses the network in clear: use ldaps:// or --source-starttls'}`;
}

/** One entry of the filter is enough to show it matches; the size limit ending the search early is success. */
async function sampleSearch(client: Client, baseDn: string, filter: string, label: string): Promise<[StepStatus, string]> {
  try {
    const { searchEntries } = await client.search(baseDn, { scope: 'sub', filter, sizeLimit: 1, attributes: ['1.1'] });
    if (searchEntries.length === 0) return ['warning', `${filter} matches no entry under ${baseDn}`];
    return ['ok', `${filter} matches entries, e.g. ${searchEntries[0].dn}`];
  } catch (error) {
    if (error instanceof SizeLimitExceededError) return ['ok', `${filter} matches entries under ${baseDn}`];
    return ['failed', `searching ${label}s with ${filter} failed: ${(error as Error).message}`];
  }
}

function tcpReachable(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 10_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('no answer within 10 s'));
    });
    socket.once('error', (error) => reject(error));
  });
}

async function scimSteps(spec: ScimSourceSpec, secret: string, add: Add, clientOptions: Partial<ScimClientOptions>): Promise<boolean> {
  const client = new ScimClient({ concurrency: 2, timeoutMs: 20_000, ...clientOptions, retry: { maxAttempts: 2 }, baseUrl: spec.url, credential: new BearerSecret(secret) });
  const url = new URL(spec.url);
  try {
    const started = Date.now();
    let spc;
    try {
      spc = await client.request('GET', '/ServiceProviderConfig');
    } catch (error) {
      if (error instanceof TransportError) {
        if (isTlsFailure(error)) {
          add('Source reachable', 'ok', `${url.host} accepted the connection`);
          add('Source TLS', 'failed', `the certificate was not accepted: ${error.message}`);
        } else add('Source reachable', 'failed', `could not get an answer from ${url.host}: ${error.message}`);
        return false;
      }
      spc = error as Error;
    }
    add('Source reachable', 'ok', `${url.host} answered in ${Date.now() - started} ms`);
    add('Source TLS', url.protocol === 'https:' || LOOPBACK.test(url.hostname) ? 'ok' : 'warning', url.protocol === 'https:' ? 'encrypted (https://)' : `not encrypted (http://)${LOOPBACK.test(url.hostname) ? '; acceptable on this machine only' : ''}`);
    let probe: { total: number } | Error;
    try {
      const list = (await client.request('GET', '/Users', { query: { count: 1, attributes: 'id' } })).body as { totalResults?: unknown } | undefined;
      probe = { total: typeof list?.totalResults === 'number' ? list.totalResults : NaN };
    } catch (error) {
      probe = error as Error;
    }
    if (isAuthenticationFailure(probe)) {
      add('Source authentication', 'failed', `the SCIM source refused the secret: ${(probe as Error).message}`);
      return false;
    }
    add('Source authentication', 'ok', 'the SCIM source accepted the secret');
    if (spc instanceof Error) add('Source ServiceProviderConfig', 'warning', `could not be read (${spc.message}); every cycle reads everything`);
    else add('Source ServiceProviderConfig', 'ok', describeSpc(spc.body));
    if (probe instanceof Error) {
      add('Source user probe', 'failed', `GET /Users?count=1 failed: ${probe.message}`);
      return false;
    }
    add('Source user probe', Number.isNaN(probe.total) ? 'failed' : 'ok', Number.isNaN(probe.total) ? 'GET /Users did not answer with a SCIM list response (totalResults)' : `GET /Users answered with ${probe.total} users in all`);
    if (Number.isNaN(probe.total)) return false;
    return true;
  } finally {
    client.close();
  }
}
