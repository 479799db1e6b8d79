/** An entry as the client library returns it. */
export type RawEntry = { dn: string; [name: string]: Buffer | Buffer[] | string[] | string };

/** The one call ranged retrieval needs: a base-scope search of one entry. */
export interface EntryReader {
  search(base: string, options: { scope: 'base'; filter: string; attributes: string[] }): Promise<{ searchEntries: RawEntry[] }>;
}

const RANGED = /^([^;]+);range=(\d+)-(\d+|\*)$/i;

/**
 * Completes attributes that Active Directory returns in ranges (`member;range=0-1499` when a
 * group has more values than MaxValRange): asks for the next range until the server answers one
 * ending in `*`, and puts every value under the plain name (`member`). Without this a large
 * group would look nearly empty, and the engine would remove its members on the target.
 */
export async function completeRangedAttributes(reader: EntryReader, entry: RawEntry): Promise<void> {
  for (const name of Object.keys(entry)) {
    const match = RANGED.exec(name);
    if (!match) continue;
    const base = match[1];
    const values = toList(entry[name]);
    let end = match[3];
    while (end !== '*') {
      const { searchEntries } = await reader.search(entry.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [`${base};range=${Number(end) + 1}-*`] });
      const next = searchEntries[0];
      const key = next && Object.keys(next).find((k) => RANGED.exec(k)?.[1].toLowerCase() === base.toLowerCase());
      if (!next || !key) throw new Error(`${entry.dn}: the server stopped answering the ranges of ${base} after value ${end}`);
      values.push(...toList(next[key]));
      end = RANGED.exec(key)![3];
    }
    delete entry[name];
    entry[base] = values as string[];
  }
}

function toList(value: RawEntry[string]): (string | Buffer)[] {
  return Array.isArray(value) ? [...value] : [value];
}
