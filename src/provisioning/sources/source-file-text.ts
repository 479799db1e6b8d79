import { readFile } from 'node:fs/promises';

import { SOURCE_ENCODINGS, type SourceEncoding } from '../../admin/api-views.js';

// The encodings are part of the admin API's source view, declared in api-views.ts.
export { SOURCE_ENCODINGS, type SourceEncoding };

const ALIASES: Record<string, SourceEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
  'utf-16': 'utf-16le',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
};

/** Reads `--source-encoding`: utf-8, utf-16le, windows-1252 (cp1252) or latin1 (iso-8859-1). */
export function parseSourceEncoding(text: string): SourceEncoding {
  const encoding = ALIASES[text.trim().toLowerCase()];
  if (!encoding) throw new Error(`--source-encoding is ${SOURCE_ENCODINGS.join(', ')}, not ${JSON.stringify(text)}`);
  return encoding;
}

/** Reads a source file as text in its encoding (see decodeSourceText). */
export async function readSourceText(path: string, name: string, encoding: SourceEncoding | undefined): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`Cannot read the source file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  return decodeSourceText(bytes, name, encoding);
}

/**
 * Decodes a source file. A byte-order mark decides first (UTF-8, UTF-16 LE or BE, as Excel and
 * PowerShell write them) and is dropped. Without one the file is in the connection's encoding:
 * UTF-8 by default, checked strictly, so a Windows-1252 export is refused with a pointer to
 * `--source-encoding` instead of turning "Zoë" into "Zo�"; windows-1252 and latin1 when given.
 */
export function decodeSourceText(bytes: Buffer, name: string, encoding: SourceEncoding | undefined): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return strictUtf8(bytes.subarray(3), name, 'utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  switch (encoding ?? 'utf-8') {
    case 'utf-16le':
      return new TextDecoder('utf-16le').decode(bytes);
    case 'windows-1252':
      return decodeWindows1252(bytes);
    case 'latin1':
      return bytes.toString('latin1');
    case 'utf-8': {
      // UTF-16 without a byte-order mark is full of zero bytes, which no CSV or JSON export has.
      if (bytes.includes(0)) throw new Error(`${name} holds zero bytes, so it is not UTF-8 text; if it is UTF-16, save it with a byte-order mark or give --source-encoding utf-16le`);
      return strictUtf8(bytes, name, encoding);
    }
  }
}

/**
 * Windows-1252 is Latin-1 except for 0x80–0x9F, where it has letters and punctuation (€, Š, “ …)
 * instead of control characters. Node's TextDecoder treats the label as Latin-1, so those 27 are
 * mapped here; the five bytes Windows-1252 leaves undefined stay as their control characters.
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
}

function strictUtf8(bytes: Buffer, name: string, encoding: SourceEncoding | undefined): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const hint = encoding === undefined ? '; if it was saved as Windows-1252 or Latin-1 (as Excel on Windows does), give --source-encoding windows-1252 or latin1' : '';
    throw new Error(`${name} is not valid UTF-8 (byte 0x${bytes[at]?.toString(16).toUpperCase().padStart(2, '0')} on line ${lineAt(bytes, at)})${hint}`);
  }
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence (for the message only). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return i;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
