import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeRangedAttributes, type EntryReader, type RawEntry } from './ranged-attributes.js';

/**
 * Active Directory cannot run here, so this reader answers as AD documents ranged retrieval:
 * at most `window` values per answer, the last range ending in `*`.
 */
function adReader(all: string[], window: number): EntryReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async search(base, options) {
      const [attribute] = options.attributes;
      asked.push(attribute);
      const start = Number(/;range=(\d+)-\*$/.exec(attribute)![1]);
      const slice = all.slice(start, start + window);
      const last = start + window >= all.length;
      return { searchEntries: [{ dn: base, [`member;range=${start}-${last ? '*' : start + window - 1}`]: slice }] };
    },
  };
}

describe('ranged attributes (Active Directory)', () => {
  it('reads every range of a large group and puts the values under the plain name', async () => {
    const members = Array.from({ length: 3500 }, (_, i) => `cn=user${i},dc=corp`);
    const reader = adReader(members, 1500);
    const entry: RawEntry = { dn: 'cn=big,dc=corp', cn: 'big', 'member;range=0-1499': members.slice(0, 1500) };
    await completeRangedAttributes(reader, entry);
    assert.deepEqual(reader.asked, ['member;range=1500-*', 'member;range=3000-*']);
    assert.deepEqual(entry.member, members);
    assert.equal(Object.keys(entry).some((k) => k.includes(';range=')), false);
  });

  it('leaves entries without ranges alone, and fails rather than returning a truncated group', async () => {
    const plain: RawEntry = { dn: 'cn=small,dc=corp', member: ['cn=a,dc=corp'] };
    await completeRangedAttributes(adReader([], 1500), plain);
    assert.deepEqual(plain.member, ['cn=a,dc=corp']);
    const silent: EntryReader = { search: async () => ({ searchEntries: [] }) };
    await assert.rejects(completeRangedAttributes(silent, { dn: 'cn=big,dc=corp', 'member;range=0-1499': ['x'] }), /stopped answering the ranges of member after value 1499/);
  });
});
