import { extname, resolve } from 'node:path';
import { checkSourcePath } from '../../outbound/source-folder.js';
import type { FileSourceView } from '../../admin/api-views.js';
import type { SourceEncoding } from './source-file-text.js';

/** A file source, as a connection stores it: what the admin API shows (it has no secret). */
export type FileSourceSpec = FileSourceView;

/** The file kinds a source may be. */
export function fileKind(path: string): 'csv' | 'json' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw new Error(`${path}: a source file is .csv or .json`);
}

/**
 * Reads `file:users.csv` (or `file:people.json`, or a bare path) into a spec with absolute
 * paths, so later cycles find the files whatever directory they run from.
 */
export function parseFileSpec(text: string, extra: { groups?: string; memberships?: string; userKey?: string; groupKey?: string; encoding?: SourceEncoding } = {}): FileSourceSpec {
  const path = text.replace(/^file:(\/\/)?/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new Error(`${text}: only file sources exist so far (file:users.csv or file:people.json); LDAP and SCIM sources come later`);
  }
  if (path === '') throw new Error('The source needs a file: --source file:users.csv');
  const spec: FileSourceSpec = { kind: 'file', users: resolve(path) };
  fileKind(spec.users);
  checkSourcePath(spec.users);
  for (const key of ['groups', 'memberships'] as const) {
    const value = extra[key];
    if (value) {
      spec[key] = resolve(value.replace(/^file:(\/\/)?/i, ''));
      fileKind(spec[key]!);
      checkSourcePath(spec[key]!);
    }
  }
  if (extra.userKey) spec.userKey = extra.userKey;
  if (extra.groupKey) spec.groupKey = extra.groupKey;
  if (extra.encoding && extra.encoding !== 'utf-8') spec.encoding = extra.encoding;
  return spec;
}
