/** One object as a source holds it. */
export interface SourceRecord {
  /** Stable identity in the source (the anchor), case-folded, so later cycles recognise the object. */
  key: string;
  /** Attribute name → value as read: text from CSV, any JSON value from JSON. */
  attributes: Record<string, unknown>;
  /** Where it came from, for messages: `users.csv line 5`. */
  origin: string;
}

export interface SourceGroupRecord extends SourceRecord {
  /** Keys of the users that are direct members. */
  members: string[];
}

/**
 * Everything a source holds at one moment. `scim` format means the attribute names are SCIM
 * attribute paths (columns map to themselves); `attributes` means directory attributes that go
 * through the connection's mapping.
 */
export interface SourceSnapshot {
  users: SourceRecord[];
  groups: SourceGroupRecord[];
  userFormat: 'scim' | 'attributes';
  groupFormat: 'scim' | 'attributes';
  userAttributes: string[];
  groupAttributes: string[];
  /** Rows skipped and references not resolved, in plain words. */
  problems: string[];
}

/** Where a connection reads people and groups from. Every cycle reads the whole source. */
export interface Source {
  /** A short description for messages, e.g. `file:users.csv`. */
  describe(): string;
  read(): Promise<SourceSnapshot>;
}
