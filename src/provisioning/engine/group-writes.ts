import { ScimClientError } from '../client/client-errors.js';
import type { PatchOperationBody, ScimObject } from '../client/scim-client.js';
import type { TargetUpdates } from '../client/target-updates.js';
import type { TargetProfile } from '../connections/connection.js';

/** Members per PATCH when the connection says nothing: what better-auth, the strictest peer, accepts. */
export const DEFAULT_MEMBERS_PER_REQUEST = 100;

/**
 * The size of member batches for one cycle: the connection's `membersPerRequest`, lowered to what
 * the target showed it accepts. A 413, or a 400 on a batch of more than one member, halves the
 * batch; the limit then stays at the largest size accepted since, for the rest of the cycle, and
 * the cycle stores it on the connection so the next one starts there.
 */
export class MemberBatches {
  private limit: number;
  /** The largest batch the target accepted in this cycle. */
  largestAccepted = 0;
  /** The smallest batch the target refused in this cycle, when it refused one. */
  smallestRefused: number | null = null;

  constructor(configured: number, profile?: TargetProfile | null) {
    const learned = profile?.refusedBatch ? profile.largestAcceptedBatch ?? undefined : undefined;
    this.limit = Math.max(1, Math.min(configured, learned ?? configured));
  }

  size(): number {
    return this.limit;
  }

  refused(count: number): void {
    this.smallestRefused = Math.min(this.smallestRefused ?? count, count);
    this.limit = Math.max(1, Math.min(this.limit, Math.floor(count / 2)));
  }

  accepted(count: number): void {
    this.largestAccepted = Math.max(this.largestAccepted, count);
  }
}

/** What a member write did, as far as the target's answers tell. */
export interface MemberWriteResult {
  /** Ids the target took: answered 2xx and, where the answer shows members, listed (added) or not listed (removed). */
  applied: string[];
  /** Ids whose write the target answered 2xx but whose answer shows it did not do it. */
  ignored: string[];
  /** Ids in batches the target refused, with its answer. */
  refused: { ids: string[]; error: unknown }[];
  /** Whether some answers did not show members, so the write could not be checked. */
  unverified: boolean;
  /** The last status the target answered. */
  status: number | null;
}

/**
 * Writes group members the way every app takes them (as Entra does): added by PATCH in batches
 * of `{op: add, path: members, value: [...]}`, removed by one `members[value eq "id"]` operation
 * per member (a target that reads `or` in a value filter may remove only the first term), and
 * every answer that carries the group compared with what was asked. A batch the target refuses
 * for its size is split in halves and sent again.
 */
export class GroupWriter {
  constructor(
    private readonly updates: TargetUpdates,
    readonly batches: MemberBatches,
    private readonly profile: TargetProfile | null | undefined,
  ) {}

  add(groupId: string, ids: string[]): Promise<MemberWriteResult> {
    return this.write(groupId, ids, 'add');
  }

  remove(groupId: string, ids: string[]): Promise<MemberWriteResult> {
    return this.write(groupId, ids, 'remove');
  }

  /**
   * The member ids an answer lists, or undefined when it cannot be told what the group holds: no
   * answer body, no `members`, or an empty list from a target known (or not known not) to hide them.
   */
  shownMembers(resource: ScimObject | undefined): Set<string> | undefined {
    return shownMembers(resource, this.profile);
  }

  private async write(groupId: string, ids: string[], kind: 'add' | 'remove'): Promise<MemberWriteResult> {
    const result: MemberWriteResult = { applied: [], ignored: [], refused: [], unverified: false, status: null };
    const queue = chunk(ids, this.batches.size());
    while (queue.length) {
      let batch = queue.shift()!;
      if (batch.length > this.batches.size()) {
        // The limit dropped while this batch waited: send it at the new size.
        queue.unshift(...chunk(batch, this.batches.size()));
        batch = queue.shift()!;
      }
      let answer: { status: number; resource?: ScimObject };
      try {
        answer = await this.updates.update('Groups', groupId, operations(kind, batch));
      } catch (error) {
        if (kind === 'remove' && error instanceof ScimClientError && error.scimType === 'noTarget') {
          // Removing members that are already gone is what was asked.
          result.applied.push(...batch);
          continue;
        }
        if (batch.length > 1 && tooLarge(error)) {
          this.batches.refused(batch.length);
          const half = Math.ceil(batch.length / 2);
          queue.unshift(batch.slice(0, half), batch.slice(half));
          continue;
        }
        if (error instanceof ScimClientError && (error.status === 401 || error.status === 403 || error.status === 404)) throw error;
        result.refused.push({ ids: batch, error });
        continue;
      }
      this.batches.accepted(batch.length);
      result.status = answer.status;
      const shown = this.shownMembers(answer.resource);
      if (!shown) {
        result.unverified = true;
        result.applied.push(...batch);
        continue;
      }
      for (const id of batch) (shown.has(id) === (kind === 'add') ? result.applied : result.ignored).push(id);
    }
    return result;
  }
}

/** See GroupWriter.shownMembers. */
export function shownMembers(resource: ScimObject | undefined, profile: TargetProfile | null | undefined): Set<string> | undefined {
  if (!resource || !Array.isArray(resource.members)) return undefined;
  const ids = new Set(resource.members.map((m) => (m && typeof m === 'object' ? (m as { value?: unknown }).value : undefined)).filter((v): v is string => typeof v === 'string'));
  // An empty list proves nothing unless the target is known to show members.
  if (ids.size === 0 && profile?.showsMembersOnGet !== true) return undefined;
  return ids;
}

/** A refusal that may be about the size of the request rather than its content. */
function tooLarge(error: unknown): boolean {
  return error instanceof ScimClientError && (error.status === 413 || error.status === 400);
}

function operations(kind: 'add' | 'remove', ids: string[]): PatchOperationBody[] {
  if (kind === 'add') return [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }];
  return ids.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }));
}

function chunk<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** A note for the provisioning log when a member write could not be checked; null otherwise. */
export function describeMemberWrite(result: MemberWriteResult): string | null {
  return result.unverified ? "the target's answer does not show members, so the write could not be checked" : null;
}

/** The error for writes the target said it did but did not, or refused; undefined when there were none. */
export function memberWriteError(result: MemberWriteResult, kind: 'add' | 'remove'): Error | undefined {
  if (result.ignored.length) {
    const list = result.ignored.slice(0, 5).join(', ') + (result.ignored.length > 5 ? ', …' : '');
    return new Error(
      `the target answered success but its answer shows it did not ${kind} ${result.ignored.length} member(s) (${list}); ` +
        'they are not recorded as sent, so the next cycle tries again',
    );
  }
  if (!result.refused.length) return undefined;
  const first = result.refused[0].error;
  const count = result.refused.reduce((n, r) => n + r.ids.length, 0);
  if (first instanceof ScimClientError) return new ScimClientError(first.method, first.path, first.status, `refused to ${kind} ${count} member(s): ${first.detail}`, first.scimType);
  return new Error(`the target refused to ${kind} ${count} member(s): ${first instanceof Error ? first.message : String(first)}`);
}
