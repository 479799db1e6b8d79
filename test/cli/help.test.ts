import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScimd } from '../support/scimd-cli.js';

/** package.json's version, read from the file itself (the compiled test runs from dist/test/cli). */
const PACKAGE_VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

/** The command names in the "Commands:" section of a help text, without `help` itself. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1];
  if (!section) return [];
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (/^\S/.test(line)) break; // the next section (for example "Getting started:")
    const match = /^ {2}([a-z][\w-]*)/.exec(line);
    if (match && match[1] !== 'help') names.push(match[1]);
  }
  return names;
}

describe('scimd --help', () => {
  it('lists the serve, directory and token commands and says how to get started', async () => {
    const result = await runScimd(['--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^Usage: scimd /);
    for (const command of ['serve', 'directory', 'token']) assert.ok(commandsIn(result.stdout).includes(command), `--help lists ${command}`);
    assert.match(result.stdout, /--db <database>/);
    assert.match(result.stdout, /scimd directory create/);
  });

  it('"scimd help token" prints the same help as "scimd token --help"', async () => {
    const viaHelp = await runScimd(['help', 'token']);
    const viaFlag = await runScimd(['token', '--help']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
  });

  it('--version prints the version in package.json', async () => {
    const result = await runScimd(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${PACKAGE_VERSION}\n`);
  });

  it('every command and subcommand has a description and its own --help, which mentions --db', async () => {
    const top = (await runScimd(['--help'])).stdout;
    const pending = commandsIn(top).map((name) => [name]);
    const seen: string[] = [];
    const check = async (path: string[]) => {
      const result = await runScimd([...path, '--help']);
      const label = `scimd ${path.join(' ')} --help`;
      assert.equal(result.code, 0, `${label} exits 0`);
      assert.match(result.stdout, new RegExp(`^Usage: scimd ${path.join(' ')}`), `${label} prints its usage`);
      const description = result.stdout.split('\n\n')[1] ?? '';
      assert.ok(description.trim().length >= 15, `${label} describes the command: ${JSON.stringify(description)}`);
      assert.match(result.stdout, /--db <database>/, `${label} mentions --db`);
      seen.push(path.join(' '));
      for (const sub of commandsIn(result.stdout)) pending.push([...path, sub]);
    };
    // A few processes at a time: each is a Node start-up, and one after another they took a minute.
    while (pending.length) await Promise.all(pending.splice(0, 4).map(check));
    for (const expected of ['serve', 'directory create', 'directory list', 'token create', 'token list', 'token revoke']) {
      assert.ok(seen.includes(expected), `${expected} has help`);
    }
  });

  it('an unknown command exits non-zero and says so on stderr', async () => {
    const result = await runScimd(['frobnicate']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
    assert.equal(result.stdout, '');
  });
});
