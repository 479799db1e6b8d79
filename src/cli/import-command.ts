import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { invalidValue, ScimError } from '../scim/errors.js';
import { isJsonObject, type JsonObject } from '../scim/json.js';
import { normalizeResource } from '../scim/resource/normalize.js';
import { isCoreSchema, modelFor, resourceModels, type ResourceTypeName } from '../scim/schema/resource-models.js';
import type { NewResource, Store } from '../store/store.js';
import { requireDirectory, withStore, type GlobalOptions } from './context.js';
import { printJson } from './output.js';

interface ImportOptions extends GlobalOptions {
  type?: string;
  batch?: string;
}

export interface ImportSummary {
  directory: string;
  users: number;
  groups: number;
  /** Lines not imported because their id or name was already taken. */
  skipped: number;
  skippedLines: number[];
  seconds: number;
}

const HELP = `
The file holds one SCIM resource per line (JSON lines), as a SCIM server would return it: a User,
or a Group whose "members" name the ids of users (or groups) on earlier lines or already in the
directory. Each line is validated as a POST would be. An "id" on a line is kept, so identity
providers and other systems that stored it still find the resource; lines without one get a new id.
Resources are written straight to the database in large transactions, without going through HTTP.
A line whose id (unique across directories) or name is already taken is skipped and counted, so
an interrupted import can be run again. An invalid line stops the import; the batches before it
stay imported.

Examples:
  scimd import acme users.jsonl
  scimd --db postgres://scimd@db/scimd import acme export.jsonl --json
  some-export-tool | scimd import acme - --type User
`;

export function registerImportCommand(program: Command): void {
  program
    .command('import <directory> <file>')
    .description('bulk-load users and groups from a JSON-lines file ("-" for stdin) straight into a directory')
    .option('--type <type>', 'the type of every line, User or Group (default: read from each line\'s "schemas")')
    .option('--batch <n>', 'resources per transaction', '5000')
    .option('--json', 'print {directory, users, groups, skipped, skippedLines, seconds} as JSON')
    .addHelpText('after', HELP)
    .action(async (directoryRef: string, file: string, options: ImportOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as ImportOptions;
      const batch = Number(opts.batch ?? 5000);
      if (!Number.isInteger(batch) || batch < 1) throw invalidValue(`--batch must be a positive integer, not ${JSON.stringify(opts.batch)}`);
      const fixedType = opts.type === undefined ? undefined : typeNamed(opts.type);
      const summary = await withStore(opts, async (store) => {
        const directory = await requireDirectory(store, directoryRef);
        const input = file === '-' ? process.stdin : createReadStream(file);
        return importResources(store, directory.id, createInterface({ input, crlfDelay: Infinity }), { batch, type: fixedType });
      });
      if (opts.json) return printJson(summary);
      const rate = Math.round((summary.users + summary.groups) / Math.max(summary.seconds, 0.001));
      process.stdout.write(
        `Imported ${summary.users} users and ${summary.groups} groups into ${directoryRef} in ${summary.seconds.toFixed(1)} s (${rate}/s)\n` +
          (summary.skipped
            ? `Skipped ${summary.skipped} lines whose id or name was already taken (lines ${summary.skippedLines.join(', ')}${summary.skipped > summary.skippedLines.length ? ', …' : ''})\n`
            : ''),
      );
    });
}

/**
 * Reads resources line by line and writes them in batches through `Store.insertResources`, in
 * file order, so a group is written after the users before it that it names.
 */
export async function importResources(
  store: Store,
  directoryId: string,
  lines: AsyncIterable<string>,
  options: { batch: number; type?: ResourceTypeName },
): Promise<ImportSummary> {
  const started = performance.now();
  const summary: ImportSummary = { directory: directoryId, users: 0, groups: 0, skipped: 0, skippedLines: [], seconds: 0 };
  let pending: { type: ResourceTypeName; resources: NewResource[]; lines: number[] } | undefined;
  const flush = async () => {
    if (!pending?.resources.length) return;
    const { type, resources, lines: lineNumbers } = pending;
    pending = undefined;
    let inserted: Set<string>;
    try {
      inserted = new Set(await store.insertResources(directoryId, type, resources, { now: new Date().toISOString() }));
    } catch (error) {
      const where = `lines ${lineNumbers[0]}–${lineNumbers[lineNumbers.length - 1]}`;
      throw new Error(`${where}: ${error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error)}`);
    }
    if (type === 'User') summary.users += inserted.size;
    else summary.groups += inserted.size;
    resources.forEach((resource, i) => {
      if (inserted.has(resource.id)) return;
      summary.skipped++;
      if (summary.skippedLines.length < 10) summary.skippedLines.push(lineNumbers[i]);
    });
  };

  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: { type: ResourceTypeName; resource: NewResource };
    try {
      parsed = parseLine(line, options.type);
    } catch (error) {
      await flush();
      const imported = `${summary.users} users and ${summary.groups} groups were imported before it`;
      throw new Error(`line ${lineNumber}: ${error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error)} (${imported})`);
    }
    if (pending && (pending.type !== parsed.type || pending.resources.length >= options.batch)) await flush();
    pending ??= { type: parsed.type, resources: [], lines: [] };
    pending.resources.push(parsed.resource);
    pending.lines.push(lineNumber);
  }
  await flush();
  // A large load changes the tables' shape; without fresh statistics the planner guesses.
  if (summary.users + summary.groups > 0) await store.analyze();
  summary.seconds = Math.round(performance.now() - started) / 1000;
  return summary;
}

function parseLine(line: string, fixedType: ResourceTypeName | undefined): { type: ResourceTypeName; resource: NewResource } {
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch {
    throw invalidValue('not a JSON object');
  }
  if (!isJsonObject(body)) throw invalidValue('not a JSON object');
  const type = fixedType ?? typeOf(body);
  const input = normalizeResource(modelFor(type), body);
  const id = body.id === undefined || body.id === null ? randomUUID() : checkId(body.id);
  return { type, resource: { id, data: input.data, ...(input.members ? { members: input.members } : {}) } };
}

/** The type a line's `schemas` (or `meta.resourceType`) names; User when it names none. */
function typeOf(body: JsonObject): ResourceTypeName {
  const schemas = Array.isArray(body.schemas) ? body.schemas.filter((s): s is string => typeof s === 'string') : [];
  const bySchema = resourceModels.find((m) => schemas.some((s) => isCoreSchema(m, s)));
  if (bySchema) return bySchema.name;
  const resourceType = isJsonObject(body.meta) ? body.meta.resourceType : undefined;
  return typeof resourceType === 'string' ? typeNamed(resourceType) : 'User';
}

function typeNamed(name: string): ResourceTypeName {
  const model = resourceModels.find((m) => m.name.toLowerCase() === name.toLowerCase());
  if (!model) throw invalidValue(`Unknown resource type ${JSON.stringify(name)}: use ${resourceModels.map((m) => m.name).join(' or ')}`);
  return model.name;
}

/** Ids appear in URLs, so they must be non-empty and free of characters that would need escaping there. */
function checkId(id: unknown): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9._~:@!$&'()*+,;=-]{1,255}$/.test(id)) {
    throw invalidValue(`"id" must be a string of 1 to 255 URL-safe characters, not ${JSON.stringify(id)}`);
  }
  return id;
}
