import type { TestDirectory } from '../../support/test-server.js';

/**
 * What the target directory holds, read back over SCIM: engine tests assert on this, not on the
 * engine's own summary of what it did.
 */
export async function targetUsers(directory: TestDirectory): Promise<Map<string, Record<string, any>>> {
  const response = await directory.request('GET', '/Users?count=1000');
  return new Map((response.body.Resources as Record<string, any>[]).map((u) => [u.userName, u]));
}

export async function targetGroups(directory: TestDirectory): Promise<Map<string, Record<string, any>>> {
  const response = await directory.request('GET', '/Groups?count=1000');
  return new Map((response.body.Resources as Record<string, any>[]).map((g) => [g.displayName, g]));
}
