/**
 * A group's members as Jackson stores them, read through its own directory-sync API (the route
 * bench/peers/jackson-server.ts serves, as Jackson's hosted API does) rather than SCIM, whose GET
 * of a group always shows `members: []`. Pages of 50, Jackson's default database page limit,
 * until a page comes back short.
 */
export function jacksonMembers(scimBaseUrl: string, token: string): (groupId: string) => Promise<string[]> {
  const origin = new URL(scimBaseUrl).origin;
  const pageLimit = 50;
  return async (groupId) => {
    const members: string[] = [];
    for (let pageOffset = 0; ; pageOffset += pageLimit) {
      const url = `${origin}/api/v1/dsync/groups/${encodeURIComponent(groupId)}/members?pageOffset=${pageOffset}&pageLimit=${pageLimit}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      const page = ((await response.json()) as { data: { user_id: string }[] }).data;
      members.push(...page.map((m) => m.user_id));
      if (page.length < pageLimit) return members;
    }
  };
}
