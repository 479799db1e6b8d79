import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/**
 * The tarball `npm pack` builds, unpacked where a global install puts it. Dependencies come from
 * this checkout's node_modules (a registry install is not repeated here), so what is tested is the
 * package's own file set: its bin, its console, and the scimd/webhooks entry point.
 */
describe('the npm package', () => {
  let work: string;
  let installed: string;
  let files: string[];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'scimd-pack-'));
    // dist is built already (npm test builds first): skip prepack's rebuild.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [report] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    files = report!.files.map((f) => f.path);
    installed = join(work, 'prefix', 'lib', 'node_modules', 'scimd');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['xzf', join(work, report!.filename), '-C', installed, '--strip-components=1']);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('holds the built server, CLI and console, and no tests', () => {
    for (const path of [pkg.bin.scimd!, 'dist/src/webhooks/verify.js', 'dist/src/webhooks/verify.d.ts', 'dist/console/index.html', 'README.md']) {
      assert.ok(files.includes(path.replace(/^\.\//, '')), `${path} is in the package`);
    }
    assert.deepEqual(files.filter((f) => f.includes('.test.') || f.startsWith('dist/test/')), []);
  });

  it('its scimd command runs from the installed place and prints the version', async () => {
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
    try {
      const version = await run(process.execPath, [join(installed, pkg.bin.scimd!), '--version']);
      assert.equal(version.stdout.trim(), pkg.version);
    } finally {
      rmSync(join(installed, 'node_modules'));
    }
  });

  it('scimd/webhooks works in another app without loading the server (no dependency is installed there)', async () => {
    const app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(installed, join(app, 'node_modules', 'scimd'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'receiver', type: 'module', private: true }));
    writeFileSync(
      join(app, 'check.mjs'),
      "import { verifyWebhookRequest } from 'scimd/webhooks';\nconsole.log(typeof verifyWebhookRequest, verifyWebhookRequest('whsec_x', {}, '{}'));\n",
    );
    const result = await run(process.execPath, ['check.mjs'], { cwd: app });
    assert.equal(result.stdout.trim(), 'function false');
    const types = readFileSync(join(installed, 'dist/src/webhooks/verify.d.ts'), 'utf8');
    assert.match(types, /export declare function verifyWebhookRequest\(secret: string/);
  });
});
