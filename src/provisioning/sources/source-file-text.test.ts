import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSourceText, parseSourceEncoding } from './source-file-text.js';

const TEXT = 'givenName,title\nZoë,Café €5\n';
const utf16le = (text: string) => Buffer.from(text, 'utf16le');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
/** Windows-1252 as Excel on Windows writes it: ë is 0xEB, é 0xE9, € 0x80. */
const CP1252 = Buffer.from([...Buffer.from('givenName,title\nZo'), 0xeb, ...Buffer.from(',Caf'), 0xe9, ...Buffer.from(' '), 0x80, ...Buffer.from('5\n')]);

describe('decoding source files', () => {
  const DECODED: [string, Buffer, Parameters<typeof decodeSourceText>[2]][] = [
    ['UTF-8 without a byte-order mark', Buffer.from(TEXT), undefined],
    ['UTF-8 with a byte-order mark (Excel "CSV UTF-8")', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), undefined],
    ['UTF-16 LE with a byte-order mark (PowerShell "Unicode")', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(TEXT)]), undefined],
    ['UTF-16 BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), undefined],
    ['UTF-16 LE without a byte-order mark, when told', utf16le(TEXT), 'utf-16le'],
    ['Windows-1252, when told', CP1252, 'windows-1252'],
    ['a byte-order mark over the encoding given', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'windows-1252'],
  ];
  for (const [what, bytes, encoding] of DECODED) {
    it(`reads ${what}`, () => assert.equal(decodeSourceText(bytes, 'users.csv', encoding), TEXT));
  }

  it('reads every Windows-1252 letter that Latin-1 lacks (0x80 to 0x9F)', () => {
    const bytes = Buffer.from([0x80, 0x8a, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9a, 0x9c, 0x9e, 0x9f]);
    assert.equal(decodeSourceText(bytes, 'users.csv', 'windows-1252'), '€ŠŒŽ‘’“”–—™šœžŸ');
  });

  it('reads Latin-1 as ISO-8859-1, where 0x80 is a control character and not the euro', () => {
    assert.equal(decodeSourceText(Buffer.from([0x5a, 0x6f, 0xeb, 0x80]), 'users.csv', 'latin1'), 'Zoë\u0080');
  });

  it('refuses a Windows-1252 file read as UTF-8, naming the byte and its line and pointing at --source-encoding', () => {
    assert.throws(
      () => decodeSourceText(CP1252, 'users.csv', undefined),
      (error: Error) => error.message === 'users.csv is not valid UTF-8 (byte 0xEB on line 2); if it was saved as Windows-1252 or Latin-1 (as Excel on Windows does), give --source-encoding windows-1252 or latin1',
    );
    assert.throws(() => decodeSourceText(CP1252, 'users.csv', 'utf-8'), /^Error: users\.csv is not valid UTF-8 \(byte 0xEB on line 2\)$/);
  });

  it('refuses UTF-16 without a byte-order mark rather than reading zero bytes into names', () => {
    assert.throws(() => decodeSourceText(utf16le(TEXT), 'users.csv', undefined), /users\.csv holds zero bytes.*--source-encoding utf-16le/);
  });

  it('reads the encoding names and their usual aliases', () => {
    assert.deepEqual(['UTF8', 'utf-16', 'CP1252', 'ISO-8859-1', ' latin1 '].map(parseSourceEncoding), ['utf-8', 'utf-16le', 'windows-1252', 'latin1', 'latin1']);
    assert.throws(() => parseSourceEncoding('ebcdic'), /--source-encoding is utf-8, utf-16le, windows-1252, latin1, not "ebcdic"/);
  });
});
