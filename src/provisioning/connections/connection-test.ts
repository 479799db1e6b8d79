import { randomUUID } from 'node:crypto';
import { isAuthenticationFailure, ScimClientError, TransportError } from '../client/client-errors.js';
import type { ScimClient, ScimResponse } from '../client/scim-client.js';
import { eqFilter } from '../client/scim-filter-text.js';
import type { Credential } from '../client/credentials.js';
import { Redactor } from '../engine/redactor.js';
import type { StepStatus, TargetProfile, TestReport, TestStep } from '../../admin/api-views.js';
import { probeGroups } from './group-probe.js';

export type { StepStatus, TestReport, TestStep } from '../../admin/api-views.js';

export interface TestInput {
  client: ScimClient;
  credential: Credential;
  targetUrl: string;
  /** The first matching attribute, which Entra's probe filters on. */
  matchingAttribute: string;
  /** Known expiry of the secret, when there is one. */
  secretExpiresAt: string | null;
  secrets: string[];
  now?: Date;
  /** Probe how the target treats group writes (a probe group, deleted again), with batches of this many members. */
  groupProbe?: { membersPerRequest: number };
}

/** Hosts where an unencrypted connection never leaves the machine. */
export const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * Test Connection, Entra's contract and a little more: is the target reachable, over TLS, does it
 * accept the credential, is its ServiceProviderConfig readable, does a user probe for a random
 * GUID answer 200 with an empty list (not 404), does a group probe, and when does the secret
 * expire. Every step is reported in plain words; a failed step skips the ones that depend on it.
 */
export async function testConnection(input: TestInput): Promise<TestReport> {
  const redactor = new Redactor(input.secrets);
  const url = new URL(input.targetUrl);
  const steps: TestStep[] = [];
  const add = (step: string, status: StepStatus, detail: string) => steps.push({ side: 'target', step, status, detail: redactor.text(detail) });
  const skipRest = (names: string[], why: string) => names.forEach((name) => add(name, 'skipped', why));
  const host = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  let targetProfile: TargetProfile | undefined;

  // OAuth targets: the token endpoint comes first.
  try {
    await input.credential.authorization();
  } catch (error) {
    add('Reachable', 'skipped', 'not tried: no access token');
    add('Authentication', 'failed', (error as Error).message);
    skipRest(['TLS', 'ServiceProviderConfig', 'User probe', 'Group probe', 'Secret expiry'], 'not tried: no access token');
    return report(input.targetUrl, steps);
  }

  const started = Date.now();
  let spc: ScimResponse | Error;
  try {
    spc = await input.client.request('GET', '/ServiceProviderConfig');
  } catch (error) {
    if (error instanceof TransportError) {
      const tlsProblem = /CERT|SSL|TLS|self.signed|certificate/i.test(`${error.code} ${error.message}`);
      if (tlsProblem) {
        add('Reachable', 'ok', `${host} accepted the connection`);
        add('TLS', 'failed', `the certificate was not accepted: ${error.message}`);
      } else {
        add('Reachable', 'failed', `could not get an answer from ${host}: ${error.message}`);
      }
      skipRest(['Authentication', 'ServiceProviderConfig', 'User probe', 'Group probe', 'Secret expiry'], 'not tried: the target cannot be reached');
      return report(input.targetUrl, steps);
    }
    spc = error as Error;
  }
  add('Reachable', 'ok', `${host} answered in ${Date.now() - started} ms`);
  const tls = spc instanceof Error ? undefined : spc.tls;
  if (url.protocol === 'https:') {
    if (tls) {
      const days = tls.validTo ? Math.floor((Date.parse(tls.validTo) - Date.now()) / 86_400_000) : undefined;
      add('TLS', days !== undefined && days < 14 ? 'warning' : 'ok', `${tls.protocol ?? 'TLS'}, certificate for ${tls.subject} from ${tls.issuer}${days !== undefined ? `, valid for ${days} more days` : ''}`);
    } else add('TLS', 'ok', 'encrypted');
  } else {
    add('TLS', LOOPBACK.test(url.hostname) ? 'ok' : 'warning', `not encrypted (http://)${LOOPBACK.test(url.hostname) ? '; acceptable on this machine only' : '; identity providers and secrets need HTTPS'}`);
  }

  // The user probe, as Entra sends it: a random GUID as the matching attribute.
  const probeFilter = eqFilter(input.matchingAttribute, randomUUID());
  let userProbe: { total: number } | Error;
  try {
    userProbe = await input.client.search('Users', probeFilter);
  } catch (error) {
    userProbe = error as Error;
  }
  if (isAuthenticationFailure(userProbe)) {
    add('Authentication', 'failed', `the target refused the ${input.credential.expiresAt() && !input.secretExpiresAt ? 'access token' : 'secret'}: ${(userProbe as Error).message}`);
    skipRest(['ServiceProviderConfig', 'User probe', 'Group probe'], 'not tried: the credential was refused');
  } else {
    add('Authentication', 'ok', 'the target accepted the credential');
    if (spc instanceof Error) add('ServiceProviderConfig', 'failed', `could not be read: ${spc.message}`);
    else add('ServiceProviderConfig', 'ok', describeSpc(spc.body));
    if (userProbe instanceof Error) {
      const status = userProbe instanceof ScimClientError ? userProbe.status : undefined;
      add('User probe', 'failed', status === 404 ? `GET /Users?filter=${probeFilter} answered 404; it must answer 200 with an empty list (Entra quarantines a target that answers 404)` : `GET /Users?filter=${probeFilter} failed: ${userProbe.message}`);
    } else if (userProbe.total !== 0) {
      add('User probe', 'failed', `GET /Users?filter=${probeFilter} found ${userProbe.total} users; a filter on a random value must find none (is the filter ignored?)`);
    } else add('User probe', 'ok', `GET /Users?filter=${probeFilter} answered 200 with an empty list`);
    const groupFilter = eqFilter('displayName', randomUUID());
    try {
      const groups = await input.client.search('Groups', groupFilter, { excludedAttributes: 'members' });
      if (groups.total !== 0) add('Group probe', 'failed', `GET /Groups?filter=${groupFilter} found ${groups.total} groups; it must find none`);
      else add('Group probe', 'ok', `GET /Groups?filter=${groupFilter} answered 200 with an empty list`);
      if (groups.total === 0 && input.groupProbe) {
        try {
          const probe = await probeGroups(input.client, input.groupProbe.membersPerRequest, input.now ?? new Date());
          add('Group writes', probe.status, probe.detail);
          targetProfile = probe.profile;
        } catch (error) {
          add('Group writes', 'warning', `could not be probed: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      const status = error instanceof ScimClientError ? error.status : undefined;
      add('Group probe', 'failed', status === 404 || status === 501 ? `GET /Groups answered ${status}; Entra's Test Connection fails on that: answer 200 with an empty list even without group support` : (error as Error).message);
    }
  }

  const expiry = input.secretExpiresAt ?? input.credential.expiresAt()?.toISOString() ?? null;
  if (!expiry) add('Secret expiry', 'warning', 'unknown; record it with "scimd connection set-secret <name> --secret-expires …" so scimd can warn before it stops working');
  else {
    const days = Math.floor((Date.parse(expiry) - (input.now ?? new Date()).getTime()) / 86_400_000);
    const kind = input.secretExpiresAt ? 'the secret' : 'the access token';
    if (days < 0) add('Secret expiry', 'failed', `${kind} expired on ${expiry.slice(0, 10)}`);
    else add('Secret expiry', days < 30 && input.secretExpiresAt ? 'warning' : 'ok', `${kind} expires on ${expiry.slice(0, 16).replace('T', ' ')} UTC (${days} days)`);
  }
  return { ...report(input.targetUrl, steps), ...(targetProfile ? { targetProfile } : {}) };
}

/** A report over both halves: the source's steps, then the target's. */
export function combinedReport(target: string, source: string, steps: TestStep[]): TestReport {
  return { ...report(target, steps), source };
}

function report(target: string, steps: TestStep[]): TestReport {
  return { ok: steps.every((s) => s.status === 'ok' || s.status === 'warning'), target, steps };
}

export function describeSpc(body: unknown): string {
  if (!body || typeof body !== 'object') return 'read, but it is not a JSON object';
  const spc = body as Record<string, { supported?: boolean; maxResults?: number; maxOperations?: number } | undefined>;
  const flag = (name: string) => (spc[name]?.supported ? 'yes' : 'no');
  const filter = spc.filter?.supported ? `yes (up to ${spc.filter.maxResults ?? '?'} results)` : 'no';
  return `PATCH ${flag('patch')}, filter ${filter}, sort ${flag('sort')}, ETags ${flag('etag')}, bulk ${flag('bulk')}`;
}
