import type { Command } from 'commander';
import type { SettingsPatch, SettingsView } from '../admin/admin-views.js';
import { invalidValue } from '../scim/errors.js';
import { commandOptions, withAdminClient, type AdminConnectionOptions } from './admin-connection.js';
import { printJson, printTable, shortTime } from './output.js';
import { scimUrlText } from './scim-url-text.js';

interface SetOptions extends AdminConnectionOptions {
  maxActiveSecrets?: string;
  defaultSecretLifetime?: string;
  selfRotation?: string;
  autoRevokeGraceHours?: string;
}

export function registerDirectoryCommand(program: Command): void {
  const directory = program.command('directory').description('create, list, show, rename, configure and delete directories (tenants)');

  directory
    .command('create <name>')
    .description('create a directory; its users and groups are reached with its own client secrets')
    .option('--json', 'print {id, name, scimUrl} as JSON')
    .action(async (name: string, options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const created = await withAdminClient(opts, (client) => client.createDirectory(name));
      const result = { id: created.id, name: created.name, scimUrl: created.scimUrl };
      if (opts.json) return printJson(result);
      process.stdout.write(`Created directory ${result.name} (${result.id})\nSCIM base URL: ${scimUrlText(result.scimUrl, opts)}\n`);
      process.stdout.write(`Next: scimd token create ${result.name}\n`);
    });

  directory
    .command('list')
    .description('list directories')
    .option('--json', 'print the list as JSON')
    .action(async (options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const directories = await withAdminClient(opts, (client) => client.listDirectories());
      if (opts.json) return printJson(directories);
      printTable(
        ['ID', 'NAME', 'CREATED'],
        directories.map((d) => [d.id, d.name, shortTime(d.created)]),
      );
    });

  directory
    .command('show <directory>')
    .description('show a directory (id or name): its SCIM URL, settings, and how many users, groups and active secrets it holds')
    .option('--json', 'print the directory as JSON')
    .action(async (ref: string, options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const details = await withAdminClient(opts, (client) => client.getDirectory(ref));
      if (opts.json) return printJson(details);
      printPairs([
        ['id', details.id],
        ['name', details.name],
        ['created', shortTime(details.created)],
        ['SCIM URL', details.scimUrl],
        ['users', String(details.users)],
        ['groups', String(details.groups)],
        ['active secrets', String(details.activeSecrets)],
        ...settingsPairs(details.settings),
      ]);
    });

  directory
    .command('rename <directory> <new-name>')
    .description('rename a directory; its id, SCIM URL and secrets stay the same')
    .option('--json', 'print the directory as JSON')
    .action(async (ref: string, name: string, options: AdminConnectionOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const renamed = await withAdminClient(opts, (client) => client.renameDirectory(ref, name));
      if (opts.json) return printJson(renamed);
      process.stdout.write(`Renamed directory ${renamed.id} to ${renamed.name}\n`);
    });

  directory
    .command('delete <directory>')
    .description('delete a directory with all its users, groups and secrets; --confirm must repeat its name')
    .option('--confirm <name>', "the directory's name, repeated, to confirm")
    .option('--json', 'print {id, name} as JSON')
    .action(async (ref: string, options: AdminConnectionOptions & { confirm?: string }, command: Command) => {
      const opts = commandOptions(options, command);
      const deleted = await withAdminClient(opts, (client) => client.deleteDirectory(ref, opts.confirm));
      if (opts.json) return printJson(deleted);
      process.stdout.write(`Deleted directory ${deleted.name} (${deleted.id})\n`);
    });

  directory
    .command('set <directory>')
    .description("change a directory's settings (secret limit, lifetime, self-rotation, auto-revocation); with no option, print them")
    .option('--max-active-secrets <n>', 'active secrets it may hold at once, 1 to 10 ("default": 2)')
    .option('--default-secret-lifetime <duration>', 'lifetime of new secrets: 90d, 1y, never ("default": the server default, 365d)')
    .option('--self-rotation <on|off>', 'whether its client may rotate its own secret through the admin API ("default": on)')
    .option('--auto-revoke-grace-hours <hours>', 'revoke older secrets this many hours after a newer one carries traffic ("off", the default)')
    .option('--json', 'print the settings as JSON')
    .action(async (ref: string, options: SetOptions, command: Command) => {
      const opts = commandOptions(options, command);
      const patch = settingsPatch(opts);
      const settings = await withAdminClient(opts, (client) => (Object.keys(patch).length ? client.updateSettings(ref, patch) : client.getSettings(ref)));
      if (opts.json) return printJson(settings);
      printPairs(settingsPairs(settings));
    });
}

/** Flags into a settings change; "default" (or "off") puts a setting back to its default. */
function settingsPatch(options: SetOptions): SettingsPatch {
  const patch: SettingsPatch = {};
  const reset = (value: string) => value.trim().toLowerCase() === 'default';
  if (options.maxActiveSecrets !== undefined) {
    const value = options.maxActiveSecrets;
    if (!reset(value) && !/^\d+$/.test(value.trim())) throw invalidValue(`--max-active-secrets must be a whole number or "default", not ${JSON.stringify(value)}`);
    patch.maxActiveSecrets = reset(value) ? null : Number(value);
  }
  if (options.defaultSecretLifetime !== undefined) {
    patch.defaultSecretLifetime = reset(options.defaultSecretLifetime) ? null : options.defaultSecretLifetime;
  }
  if (options.selfRotation !== undefined) {
    const value = options.selfRotation.trim().toLowerCase();
    const map: Record<string, boolean | null> = { on: true, off: false, true: true, false: false, default: null };
    if (!(value in map)) throw invalidValue(`--self-rotation must be on, off or default, not ${JSON.stringify(options.selfRotation)}`);
    patch.allowSelfRotation = map[value];
  }
  if (options.autoRevokeGraceHours !== undefined) {
    const value = options.autoRevokeGraceHours.trim().toLowerCase();
    if (value === 'off' || value === 'default') patch.autoRevokeGraceHours = null;
    else if (/^\d+(\.\d+)?$/.test(value)) patch.autoRevokeGraceHours = Number(value);
    else throw invalidValue(`--auto-revoke-grace-hours must be a number of hours or "off", not ${JSON.stringify(options.autoRevokeGraceHours)}`);
  }
  return patch;
}

function settingsPairs(settings: SettingsView): [string, string][] {
  return [
    ['max active secrets', String(settings.maxActiveSecrets)],
    ['default secret lifetime', settings.defaultSecretLifetime],
    ['self-rotation', settings.allowSelfRotation ? 'on' : 'off'],
    ['auto-revoke grace', settings.autoRevokeGraceHours === null ? 'off' : `${settings.autoRevokeGraceHours} hours`],
  ];
}

function printPairs(pairs: [string, string][]): void {
  const width = Math.max(...pairs.map(([key]) => key.length));
  for (const [key, value] of pairs) process.stdout.write(`${`${key}:`.padEnd(width + 2)}${value}\n`);
}
