import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseBudget } from './response-budget.js';

const refused = (error: unknown) => (error as { status?: number; scimType?: string }).status === 400 && (error as { scimType?: string }).scimType === 'tooMany';

describe('ResponseBudget', () => {
  it('counts UTF-8 bytes, not characters, when the cap is near', () => {
    // "é" is one UTF-16 unit and two UTF-8 bytes.
    assert.equal(new ResponseBudget(10).addText('ééééé'), 'ééééé');
    assert.throws(() => new ResponseBudget(10).addText('éééééé'), refused);
    // Ten ASCII bytes fit a cap of ten although three bytes per character would not.
    assert.equal(new ResponseBudget(10).addText('abcdefghij'), 'abcdefghij');
    assert.throws(() => new ResponseBudget(10).addText('abcdefghijk'), refused);
  });

  it('adds the texts of a page up, including those it did not need to count', () => {
    const budget = new ResponseBudget(12);
    budget.addText('ab');
    budget.addText('cdef');
    budget.addText('€'); // three bytes: 9 so far
    budget.addText('ghi'); // 12
    assert.throws(() => budget.addText('j'), refused);
  });

  it('counts a resource as its JSON text', () => {
    const budget = new ResponseBudget(19);
    budget.add({ a: 'é' }); // {"a":"é"}: 10 bytes
    assert.throws(() => budget.add({ b: 'xx' }), refused); // 10 more: 20
  });

  it('never refuses without a cap', () => {
    assert.equal(new ResponseBudget(0).addText('x'.repeat(1000)), 'x'.repeat(1000));
  });
});
