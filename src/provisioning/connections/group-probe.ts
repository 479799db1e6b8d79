import { randomUUID } from 'node:crypto';
import type { ScimClient, ScimObject } from '../client/scim-client.js';
import { TargetUpdates } from '../client/target-updates.js';
import { GroupWriter, MemberBatches } from '../engine/group-writes.js';
import type { TargetProfile } from './connection.js';
import { describeGroupHandling } from './group-handling.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface GroupProbe {
  profile: TargetProfile;
  status: 'ok' | 'warning';
  detail: string;
}

/**
 * Learns how the target treats groups, with a probe group it deletes afterwards: does a POST keep
 * the members it carries, does a GET show them, and does one PATCH of `membersPerRequest` members
 * go through (halving until one does). The members are users already on the target (read, never
 * changed); without any, only what needs none is learned.
 */
export async function probeGroups(client: ScimClient, membersPerRequest: number, now: Date): Promise<GroupProbe> {
  const profile: TargetProfile = { probedAt: now.toISOString(), keepsMembersOnPost: null, showsMembersOnGet: null, largestAcceptedBatch: null, refusedBatch: null, note: null };
  const users = await userIds(client, membersPerRequest + 1);
  if (!users.length) {
    profile.note = 'the target has no users to make members of a probe group; test again after the first cycle';
    return { profile, status: 'warning', detail: `not probed: ${profile.note}` };
  }
  const [first, ...rest] = users;
  let created: ScimObject;
  try {
    created = (await client.request('POST', '/Groups', { body: { schemas: [GROUP_SCHEMA], displayName: `scimd-probe-${randomUUID()}`, members: [{ value: first }] } })).body as ScimObject;
  } catch (error) {
    profile.note = `a probe group could not be created: ${(error as Error).message}`;
    return { profile, status: 'warning', detail: profile.note };
  }
  const id = typeof created?.id === 'string' ? created.id : undefined;
  if (!id) return { profile: { ...profile, note: 'the target answered the probe group POST without an id' }, status: 'warning', detail: 'the target answered the probe group POST without an id' };
  try {
    const updates = new TargetUpdates(client, 'scim');
    if (holds(await client.getResource('Groups', id), first)) {
      Object.assign(profile, { keepsMembersOnPost: true, showsMembersOnGet: true });
    } else {
      await updates.update('Groups', id, [{ op: 'add', path: 'members', value: [{ value: first }] }]);
      if (holds(await client.getResource('Groups', id), first)) Object.assign(profile, { keepsMembersOnPost: false, showsMembersOnGet: true });
      else profile.showsMembersOnGet = false;
    }
    if (rest.length) {
      const batches = new MemberBatches(rest.length);
      const result = await new GroupWriter(updates, batches, profile).add(id, rest);
      profile.largestAcceptedBatch = batches.largestAccepted || null;
      profile.refusedBatch = batches.smallestRefused;
      if (!batches.largestAccepted) profile.note = 'the target refused even a single member in a PATCH';
      else if (result.refused.length) profile.note = `the target refused some members in a PATCH: ${String((result.refused[0].error as Error).message ?? result.refused[0].error)}`;
    }
  } finally {
    await client.delete('Groups', id).catch(() => undefined);
  }
  if (profile.showsMembersOnGet === false) profile.note ??= 'the target does not show members when a group is read, so memberships cannot be read back';
  const batch = profile.largestAcceptedBatch ? `${profile.largestAcceptedBatch} members in one PATCH accepted${profile.refusedBatch ? `, ${profile.refusedBatch} refused` : ''}` : 'batch size not probed (one user on the target)';
  const detail = `a probe group (deleted again): ${describeGroupHandling(profile)}; ${batch}${profile.note ? `; ${profile.note}` : ''}`;
  const status = profile.showsMembersOnGet === false || (profile.refusedBatch !== null && profile.refusedBatch !== undefined) || !profile.largestAcceptedBatch && rest.length ? 'warning' : 'ok';
  return { profile, status, detail };
}

async function userIds(client: ScimClient, count: number): Promise<string[]> {
  const body = (await client.request('GET', '/Users', { query: { count, attributes: 'id' } })).body as Record<string, unknown>;
  const key = Object.keys(body ?? {}).find((k) => k.toLowerCase() === 'resources');
  const resources = key && Array.isArray(body[key]) ? (body[key] as ScimObject[]) : [];
  return resources.map((r) => r.id).filter((id): id is string => typeof id === 'string' && id !== '').slice(0, count);
}

function holds(group: ScimObject | undefined, member: string): boolean {
  return Array.isArray(group?.members) && group.members.some((m) => (m as { value?: unknown })?.value === member);
}
