import { randomBytes } from 'node:crypto';
import { ScimClientError, TransportError } from '../provisioning/client/client-errors.js';
import { BearerSecret } from '../provisioning/client/credentials.js';
import { ScimClient } from '../provisioning/client/scim-client.js';
import { readDiscovery, type Discovery } from './capabilities.js';
import { selectChecks } from './catalogue.js';
import { CheckContext } from './check-context.js';
import { CannotRun, CheckAborted, CheckFailure, CheckSkipped } from './check-failure.js';
import { CheckHttp } from './check-http.js';
import type { Check, CheckReport, CheckResult, Profile } from './check-types.js';
import { CreatedObjects } from './created-objects.js';

export interface RunOptions {
  baseUrl: string;
  token: string;
  profile: Profile | 'all';
  only?: readonly string[];
  /** Leave the objects the run created, for inspection. */
  keep?: boolean;
  /** Set (by a signal handler) to stop after the requests in flight; cleanup still runs. */
  interrupted?: () => boolean;
  /** Told about each result as it is decided, for progress output. */
  onResult?: (result: CheckResult) => void;
  /** Per-request deadline (default: Entra's 60 s). */
  timeoutMs?: number;
  rejectUnauthorized?: boolean;
}

export { CannotRun } from './check-failure.js';

/**
 * Runs the selected checks one after another against a SCIM server: discovery first (what is
 * not advertised is skipped with the reason), then each check; whatever happens (a failure, an
 * exception, an interruption) every object the run created is deleted unless `keep` is set.
 */
export async function runChecks(options: RunOptions): Promise<CheckReport> {
  const checks = selectChecks(options.profile, options.only);
  if (!URL.canParse(options.baseUrl) || !/^https?:$/.test(new URL(options.baseUrl).protocol)) throw new CannotRun(`${JSON.stringify(options.baseUrl)} is not an http(s) URL`);
  const prefix = `scimdcheck-${randomBytes(4).toString('hex')}-`;
  const client = new ScimClient({
    baseUrl: options.baseUrl,
    credential: new BearerSecret(options.token),
    concurrency: 16,
    timeoutMs: options.timeoutMs ?? 60_000,
    userAgent: 'scimd-check',
    rejectUnauthorized: options.rejectUnauthorized,
  });
  const interrupted = options.interrupted ?? (() => false);
  const http = new CheckHttp(client, interrupted);
  const created = new CreatedObjects();
  const started = new Date();
  const results: CheckResult[] = [];
  let discovery: Discovery | undefined;
  let cleanup: CheckReport['cleanup'] = { deleted: 0, kept: 0, failed: [] };
  try {
    discovery = await discover(http);
    const context = new CheckContext(http, prefix, discovery, created);
    for (const check of checks) {
      if (interrupted()) break;
      const result = await runOne(check, context);
      if (result === undefined) break;
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    if (options.keep) cleanup = { deleted: 0, kept: created.size, failed: [] };
    else {
      const outcome = await created.deleteAll(http, prefix, discovery?.capabilities);
      cleanup = { deleted: outcome.deleted, kept: 0, failed: outcome.failed };
    }
    client.close();
  }
  const count = (verdict: string) => results.filter((r) => r.verdict === verdict).length;
  return {
    target: client.baseUrl,
    profile: options.only?.length ? `only ${options.only.join(',')}` : options.profile,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    prefix,
    capabilities: discovery!.capabilities,
    results,
    summary: { pass: count('pass'), fail: count('fail'), skip: count('skip') },
    cleanup,
  };
}

/** Reads discovery, turning "cannot reach" and "token refused" into CannotRun. */
async function discover(http: CheckHttp): Promise<Discovery> {
  try {
    const probe = await http.send('GET', '/Users', { query: { count: 1 } });
    if (probe.status === 401 || probe.status === 403) throw new CannotRun(`the server refused the token (GET /Users answered ${probe.status})`);
    if (probe.status === 404) throw new CannotRun('GET /Users answered 404: is the URL the SCIM base URL (…/scim/v2)?');
    return await readDiscovery(http);
  } catch (error) {
    if (error instanceof TransportError) throw new CannotRun(`the server could not be reached: ${error.message}`);
    throw error;
  }
}

/** One check's verdict; undefined when the run was interrupted during it. */
async function runOne(check: Check, context: CheckContext): Promise<CheckResult | undefined> {
  const base = { id: check.id, title: check.title, area: check.area, authority: check.authority };
  const skip = check.skipUnless?.(context.capabilities);
  if (skip) {
    const note = context.capabilities.serviceProviderConfig ? '' : ' (it has no readable /ServiceProviderConfig, so only filtering and PATCH are assumed)';
    return { ...base, verdict: 'skip', message: `${skip}${note}`, ms: 0 };
  }
  const started = Date.now();
  try {
    const outcome = await check.run(context);
    return { ...base, verdict: 'pass', ...(outcome?.note ? { message: outcome.note } : {}), ms: Date.now() - started };
  } catch (error) {
    if (error instanceof CheckAborted) return undefined;
    const ms = Date.now() - started;
    if (error instanceof CheckSkipped) return { ...base, verdict: 'skip', message: error.message, ms };
    if (error instanceof CheckFailure) return { ...base, verdict: 'fail', message: error.message, evidence: error.evidence, ms };
    if (error instanceof TransportError || error instanceof ScimClientError) return { ...base, verdict: 'fail', message: `no usable answer: ${error.message}`, ms };
    return { ...base, verdict: 'fail', message: `the check could not complete: ${(error as Error).message}`, ms };
  }
}
