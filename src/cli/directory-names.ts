import type { AdminClient } from '../admin/admin-client.js';
import { named } from './output.js';

/** Directory names by id, so text output shows `acme (dir_…)` where the API gives the id. */
export type DirectoryNames = Map<string, string>;

export async function directoryNames(client: AdminClient): Promise<DirectoryNames> {
  return new Map((await client.listDirectories()).map((d) => [d.id, d.name]));
}

/** A directory by its name and id; a deleted one by its id alone. */
export function directoryLabel(names: DirectoryNames, id: string): string {
  return named(names.get(id), id);
}
