import { basename } from 'node:path';
import { isJsonObject } from '../../scim/json.js';
import type { ResourceModel } from '../../scim/schema/resource-models.js';
import { isScimColumns } from '../mapping/scim-columns.js';
import { scimSourceNames } from '../mapping/source-names.js';
import { parseCsv } from './csv-parser.js';
import { fileKind } from './file-source-spec.js';
import { flattenScimResource, looksLikeScim } from './scim-json.js';
import type { SourceSchema } from './source.js';
import { readSourceText, type SourceEncoding } from './source-file-text.js';

/** Rows of one file as attribute maps, with the format their names are in. */
export interface RecordSet {
  records: { attributes: Record<string, unknown>; origin: string; members?: unknown }[];
  attributes: string[];
  format: 'scim' | 'attributes';
  /** The names mappings may read: a CSV's columns, or a JSON file's keys (and the SCIM schema for SCIM resources). */
  schema: SourceSchema;
}

/**
 * Reads a CSV or JSON file of users or groups, in the source's encoding (source-file-text.ts). CSV cells that are empty are absent attributes.
 * JSON is an array of objects, or `{"users": […], "groups": […]}` (then `part` picks one); SCIM
 * resources in it are flattened to attribute paths. A group's `members` is kept aside.
 */
export async function readRecords(path: string, part: 'users' | 'groups', model: ResourceModel, encoding?: SourceEncoding): Promise<RecordSet> {
  const name = basename(path);
  const text = await readSourceText(path, name, encoding);
  if (fileKind(path) === 'csv') {
    const table = parseCsv(text, name);
    const records = table.rows.map((row) => {
      const attributes: Record<string, unknown> = {};
      table.headers.forEach((header, i) => {
        if (row.values[i] !== '') attributes[header] = row.values[i];
      });
      return { attributes, origin: `${name} line ${row.line}` };
    });
    const columns = table.headers.filter((h) => h.toLowerCase() !== 'members');
    return { records, attributes: table.headers, format: isScimColumns(columns, model) ? 'scim' : 'attributes', schema: { names: table.headers, from: `the columns of ${name}` } };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(document) ? (part === 'users' ? document : []) : isJsonObject(document) ? document[part] ?? [] : undefined;
  if (!Array.isArray(list)) throw new Error(`${name}: expected an array of ${part}, or an object with a "${part}" array`);
  const scim = list.length > 0 && isJsonObject(list[0]) && looksLikeScim(list[0], model);
  const names = new Set<string>();
  const known = new Set<string>();
  const records = list.map((item, index) => {
    if (!isJsonObject(item)) throw new Error(`${name}: ${part}[${index}] is not an object`);
    const { members, ...rest } = item;
    const attributes = scim ? flattenScimResource(rest, model) : Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== ''));
    Object.keys(attributes).forEach((k) => names.add(k));
    // A key written with null still names an attribute the export has.
    if (!scim) Object.keys(rest).forEach((k) => known.add(k));
    return { attributes, origin: `${name} ${part}[${index}]`, ...(members !== undefined ? { members } : {}) };
  });
  const schema: SourceSchema = scim
    ? { names: [...new Set([...scimSourceNames(model), ...names])], from: `the SCIM ${model.name} schema and the attributes in ${name}` }
    : { names: [...new Set([...known, ...names])], from: `the attributes in ${name}` };
  return { records, attributes: [...names], format: scim ? 'scim' : 'attributes', schema };
}
