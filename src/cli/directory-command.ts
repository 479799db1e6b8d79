import type { Command } from 'commander';
import { randomId } from '../auth/secret-format.js';
import { invalidValue } from '../scim/errors.js';
import { printJson, printTable, shortTime } from './output.js';
import { scimUrl, withStore, type GlobalOptions } from './context.js';

export function registerDirectoryCommand(program: Command): void {
  const directory = program.command('directory').description('create and list directories (tenants)');

  directory
    .command('create <name>')
    .description('create a directory; its users and groups are reached with its own client secrets')
    .option('--json', 'print {id, name, scimUrl} as JSON')
    .action(async (name: string, options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      if (name.trim() === '') throw invalidValue('The directory name must not be empty');
      const created = await withStore(opts, (store) => store.createDirectory({ id: randomId('dir'), name: name.trim(), created: new Date().toISOString() }));
      const result = { id: created.id, name: created.name, scimUrl: scimUrl() };
      if (opts.json) return printJson(result);
      process.stdout.write(`Created directory ${result.name} (${result.id})\nSCIM base URL: ${result.scimUrl}\n`);
      process.stdout.write(`Next: scimd token create ${result.name}\n`);
    });

  directory
    .command('list')
    .description('list directories')
    .option('--json', 'print the list as JSON')
    .action(async (options: GlobalOptions, command: Command) => {
      const opts = { ...command.optsWithGlobals(), ...options } as GlobalOptions;
      const directories = await withStore(opts, (store) => store.listDirectories());
      if (opts.json) return printJson(directories.map((d) => ({ ...d, scimUrl: scimUrl() })));
      printTable(
        ['ID', 'NAME', 'CREATED'],
        directories.map((d) => [d.id, d.name, shortTime(d.created)]),
      );
    });
}
