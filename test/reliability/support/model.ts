/**
 * A deliberately simple in-memory model of one SCIM directory (RFC 7643/7644 semantics), for the
 * model-based test: what the server's state must be after a sequence of operations. It knows
 * only what the test compares: user names (unique without regard to case), titles, active flags,
 * group names (unique the same way) and memberships.
 */
export interface ModelUser {
  id: string;
  userName: string;
  title?: string;
  /** Absent until a client sets it: SCIM gives `active` no default. */
  active?: boolean;
}

export interface ModelGroup {
  id: string;
  displayName: string;
  members: Set<string>;
}

/** What an operation must answer: its status, as the RFC says. */
export type Outcome = 200 | 201 | 204 | 400 | 404 | 409;

export class DirectoryModel {
  readonly users = new Map<string, ModelUser>();
  readonly groups = new Map<string, ModelGroup>();

  /** The status a create must get; the caller adds the resource once the server has named its id. */
  createUserOutcome(userName: string): Outcome {
    return this.userNameTaken(userName) ? 409 : 201;
  }

  replaceUserOutcome(id: string, userName: string): Outcome {
    if (!this.users.has(id)) return 404;
    return this.userNameTaken(userName, id) ? 409 : 200;
  }

  replaceUser(id: string, userName: string, title: string | undefined, active: boolean | undefined): void {
    // PUT replaces: attributes not sent are cleared (RFC 7644 §3.5.1).
    this.users.set(id, { id, userName, ...(active === undefined ? {} : { active }), ...(title === undefined ? {} : { title }) });
  }

  deleteUser(id: string): Outcome {
    if (!this.users.delete(id)) return 404;
    // A deleted user leaves every group it was in (RFC 7644 §3.6: it is no longer a member).
    for (const group of this.groups.values()) group.members.delete(id);
    return 204;
  }

  /** A taken name and an unknown member are both errors; the RFC orders neither, scimd reports the name first. */
  createGroupOutcome(displayName: string, members: string[]): Outcome {
    if (this.displayNameTaken(displayName)) return 409;
    return members.some((id) => !this.users.has(id)) ? 400 : 201;
  }

  /** PATCH add on members: every id must be a user of the directory; the add is idempotent. */
  addMembersOutcome(groupId: string, members: string[]): Outcome {
    if (!this.groups.has(groupId)) return 404;
    return members.some((id) => !this.users.has(id)) ? 400 : 200;
  }

  removeMemberOutcome(groupId: string): Outcome {
    return this.groups.has(groupId) ? 200 : 404;
  }

  renameGroupOutcome(groupId: string, displayName: string): Outcome {
    if (!this.groups.has(groupId)) return 404;
    return this.displayNameTaken(displayName, groupId) ? 409 : 200;
  }

  deleteGroup(id: string): Outcome {
    return this.groups.delete(id) ? 204 : 404;
  }

  /** `userName eq "…"` is case-insensitive (caseExact false): the ids that match. */
  usersNamed(userName: string): string[] {
    return [...this.users.values()].filter((u) => u.userName.toLowerCase() === userName.toLowerCase()).map((u) => u.id);
  }

  /** The groups a user is a member of: `members.value eq "<id>"`, and the user's `groups`. */
  groupsOf(userId: string): string[] {
    return [...this.groups.values()].filter((g) => g.members.has(userId)).map((g) => g.id);
  }

  private userNameTaken(userName: string, except?: string): boolean {
    return this.usersNamed(userName).some((id) => id !== except);
  }

  private displayNameTaken(displayName: string, except?: string): boolean {
    return [...this.groups.values()].some((g) => g.id !== except && g.displayName.toLowerCase() === displayName.toLowerCase());
  }
}
