import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../support/databases.js';
import { EngineHarness } from './support/engine-harness.js';

const HEADER = 'userName,name.givenName,name.familyName,title,"addresses[type eq ""work""].formatted"';
/** One person per file, with what CSV exports get wrong: letters outside ASCII, a quoted comma and quotes, a line break in a field. */
const row = (tag: string) => `zoe.${tag}@example.com,Zoë,Brontë,"Head of ""R&D"", Café","1 Rue de la Paix\nParis"`;
const text = (tag: string) => `${HEADER}\r\n${row(tag)}\r\n`;

/** The bytes each kind of export writes. */
const FILES: Record<string, { bytes: (text: string) => Buffer; encoding?: string }> = {
  'utf8': { bytes: (t) => Buffer.from(t, 'utf8') },
  'utf8-bom': { bytes: (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]) },
  'utf16le-bom': { bytes: (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]) },
  // Every character of these rows is in Latin-1, whose bytes Windows-1252 shares.
  'windows-1252': { bytes: (t) => Buffer.from(t, 'latin1'), encoding: 'windows-1252' },
  'latin1': { bytes: (t) => Buffer.from(t, 'latin1'), encoding: 'latin1' },
};

for (const backend of BACKENDS) {
  describe(`CSV files in every encoding an export writes, on ${backend}`, () => {
    let h: EngineHarness;
    before(async () => {
      h = await EngineHarness.start(backend);
      for (const [tag, file] of Object.entries(FILES)) {
        writeFileSync(join(h.dir, `${tag}.csv`), file.bytes(text(tag)));
        await h.connect(tag, { source: `file:${h.dir}/${tag}.csv`, ...(file.encoding ? { sourceEncoding: file.encoding } : {}) });
      }
    });
    after(() => h.close());

    for (const tag of Object.keys(FILES)) {
      it(`provisions a ${tag} file with its letters, quotes and line breaks intact`, async () => {
        const report = await h.sync(tag);
        assert.equal(report.cycle.status, 'completed', report.cycle.message ?? '');
        assert.deepEqual([report.summary.created, report.summary.failed, report.summary.sourceProblems], [1, 0, []]);
        const user = (await h.targetUsers()).get(`zoe.${tag}@example.com`);
        assert.ok(user, `zoe.${tag}@example.com was created (not a name with a byte-order mark or zero bytes in it)`);
        assert.deepEqual(user.name, { givenName: 'Zoë', familyName: 'Brontë' });
        assert.equal(user.title, 'Head of "R&D", Café');
        assert.deepEqual(user.addresses, [{ type: 'work', formatted: '1 Rue de la Paix\nParis' }]);
      });
    }

    it('refuses a Windows-1252 file read as UTF-8 instead of sending mangled names, and says what to do', async () => {
      writeFileSync(join(h.dir, 'excel.csv'), Buffer.from(text('excel'), 'latin1'));
      await h.connect('excel', { source: `file:${h.dir}/excel.csv` });
      h.proxy.reset();
      const report = await h.sync('excel');
      assert.equal(report.cycle.status, 'failed');
      assert.match(report.cycle.message ?? '', /excel\.csv is not valid UTF-8 \(byte 0xEB on line 2\); .*give --source-encoding windows-1252 or latin1/);
      assert.equal(h.proxy.count('POST', 'PATCH', 'PUT', 'DELETE'), 0);
    });
  });
}
