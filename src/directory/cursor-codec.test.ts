import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsScimError } from '../../test/support/throws-scim-error.js';
import type { PagePosition } from '../store/store.js';
import { CursorCodec, queryIdentity } from './cursor-codec.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const TIMEOUT_SECONDS = 600;
const ISSUED = new Date('2025-03-01T12:00:00Z');
const QUERY = queryIdentity(['dir_1', 'User', 'userName sw "a"', 'userName', 'ascending']);

const codec = new CursorCodec(KEY, TIMEOUT_SECONDS);
const later = (seconds: number) => new Date(ISSUED.getTime() + seconds * 1000);

describe('CursorCodec', () => {
  const POSITIONS: PagePosition[] = [
    { key: 'alice@example.com', pk: 17 },
    { key: 'ünïcödé "quoted" . dots', pk: 1 },
    { key: '', pk: 2 },
    { key: 42.5, pk: 3 },
    { key: true, pk: 4 },
    { key: null, pk: 5 },
    { key: '2024-01-02T03:04:05.000Z', pk: 9_007_199_254_740_991 },
  ];
  for (const position of POSITIONS) {
    it(`round-trips the position ${JSON.stringify(position)}`, () => {
      const cursor = codec.encode(position, QUERY, ISSUED);
      assert.deepEqual(codec.decode(cursor, QUERY, later(1)), position);
    });
  }

  it('carries the total of the walk, signed with the position, so later pages need not count', () => {
    const cursor = codec.encode({ key: 'bob', pk: 3 }, QUERY, ISSUED, 1234);
    assert.deepEqual(codec.decode(cursor, QUERY, later(1)), { key: 'bob', pk: 3, total: 1234 });
    const [payload, signature] = cursor.split('.');
    const inflated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), n: 1 })).toString('base64url');
    throwsScimError(() => codec.decode(`${inflated}.${signature}`, QUERY, later(1)), { status: 400, scimType: 'invalidCursor' });
  });

  it('issues cursors that are safe in a URL without encoding', () => {
    const cursor = codec.encode({ key: 'a/b+c=d?e&f', pk: 1 }, QUERY, ISSUED);
    assert.match(cursor, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.equal(encodeURIComponent(cursor), cursor);
  });

  it('is decoded by another codec with the same key (another replica)', () => {
    const cursor = codec.encode({ key: 'x', pk: 1 }, QUERY, ISSUED);
    assert.deepEqual(new CursorCodec(Buffer.from(KEY), TIMEOUT_SECONDS).decode(cursor, QUERY, later(1)), { key: 'x', pk: 1 });
  });

  it('rejects every one-character change of a cursor with invalidCursor', () => {
    const cursor = codec.encode({ key: 'bob', pk: 2 }, QUERY, ISSUED);
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      const replacement = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = cursor.slice(0, i) + replacement + cursor.slice(i + 1);
      throwsScimError(() => codec.decode(tampered, QUERY, later(1)), { status: 400, scimType: 'invalidCursor' });
    }
  });

  it('rejects a payload re-encoded with a new position but the old signature', () => {
    const cursor = codec.encode({ key: 'bob', pk: 2 }, QUERY, ISSUED);
    const [payload, signature] = cursor.split('.');
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...data, p: 1 })).toString('base64url');
    throwsScimError(() => codec.decode(`${forged}.${signature}`, QUERY, later(1)), { status: 400, scimType: 'invalidCursor' });
  });

  it('rejects a cursor signed with another key', () => {
    const other = new CursorCodec(Buffer.from('another key of thirty-two bytes!'), TIMEOUT_SECONDS);
    const cursor = other.encode({ key: 'x', pk: 1 }, QUERY, ISSUED);
    throwsScimError(() => codec.decode(cursor, QUERY, later(1)), { status: 400, scimType: 'invalidCursor' });
  });

  const GARBAGE = ['', '.', 'abc', 'abc.', '.abc', 'a.b.c', 'not a cursor at all', '%%%.%%%', 'eyJrIjoxfQ'];
  for (const text of GARBAGE) {
    it(`rejects ${JSON.stringify(text)} with 400 invalidCursor`, () => {
      throwsScimError(() => codec.decode(text, QUERY, later(1)), { status: 400, scimType: 'invalidCursor' });
    });
  }

  it('rejects a cursor used with a different query with invalidCursor', () => {
    const cursor = codec.encode({ key: 'x', pk: 1 }, QUERY, ISSUED);
    const otherFilter = queryIdentity(['dir_1', 'User', 'userName sw "b"', 'userName', 'ascending']);
    const otherOrder = queryIdentity(['dir_1', 'User', 'userName sw "a"', 'userName', 'descending']);
    const otherDirectory = queryIdentity(['dir_2', 'User', 'userName sw "a"', 'userName', 'ascending']);
    for (const query of [otherFilter, otherOrder, otherDirectory]) {
      throwsScimError(() => codec.decode(cursor, query, later(1)), { status: 400, scimType: 'invalidCursor', detail: /different query/ });
    }
  });

  it('accepts a cursor until the timeout and rejects it after with expiredCursor', () => {
    const cursor = codec.encode({ key: 'x', pk: 1 }, QUERY, ISSUED);
    assert.deepEqual(codec.decode(cursor, QUERY, later(TIMEOUT_SECONDS - 1)), { key: 'x', pk: 1 });
    assert.deepEqual(codec.decode(cursor, QUERY, later(TIMEOUT_SECONDS)), { key: 'x', pk: 1 });
    throwsScimError(() => codec.decode(cursor, QUERY, later(TIMEOUT_SECONDS + 1)), { status: 400, scimType: 'expiredCursor' });
    throwsScimError(() => codec.decode(cursor, QUERY, later(86_400)), { status: 400, scimType: 'expiredCursor' });
  });
});

describe('queryIdentity', () => {
  it('is stable for equal parts and differs when any part differs', () => {
    const parts = ['dir_1', 'User', 'title pr', undefined, 'ascending'];
    assert.equal(queryIdentity(parts), queryIdentity([...parts]));
    assert.notEqual(queryIdentity(parts), queryIdentity(['dir_1', 'User', 'title pr', 'userName', 'ascending']));
    assert.notEqual(queryIdentity(['a', 'bc']), queryIdentity(['ab', 'c']));
  });
});
