import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { parseTargetPath } from './target-path.js';

/**
 * Whether every column names an attribute of the resource type (`userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`, `manager`). Such a
 * source maps directly, each column to itself, with no mapping file.
 */
export function isScimColumns(columns: string[], model: ResourceModel): boolean {
  if (columns.length === 0) return false;
  return columns.every((column) => {
    try {
      parseTargetPath(column, model);
      return true;
    } catch {
      return false;
    }
  });
}
