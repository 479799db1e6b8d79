import type { Client } from 'ldapts';

/**
 * The names of every attribute type the directory defines, aliases included (`cn` and
 * `commonName`), from its subschema entry (RFC 4512 §4.2: the root DSE names it in
 * `subschemaSubentry`; OpenLDAP's `cn=Subschema`, AD's `CN=Aggregate,CN=Schema,…`). Undefined
 * when the directory does not let the bind DN read it.
 */
export async function readAttributeTypeNames(client: Client): Promise<string[] | undefined> {
  try {
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['subschemaSubentry'] });
    const subschema = valuesOf(root.searchEntries[0], 'subschemaSubentry')[0];
    if (!subschema) return undefined;
    const { searchEntries } = await client.search(subschema, { scope: 'base', filter: '(objectClass=subschema)', attributes: ['attributeTypes'] });
    const names = valuesOf(searchEntries[0], 'attributeTypes').flatMap(attributeTypeNames);
    return names.length > 0 ? names : undefined;
  } catch {
    return undefined;
  }
}

/** `( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )` → cn, commonName. */
export function attributeTypeNames(description: string): string[] {
  const match = /\bNAME\s+(?:'([^']*)'|\(([^)]*)\))/.exec(description);
  if (!match) return [];
  if (match[1] !== undefined) return [match[1]];
  return [...match[2].matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

function valuesOf(entry: Record<string, unknown> | undefined, name: string): string[] {
  if (!entry) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}
