import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { view } from './view-schema.js';

interface Sample {
  id: string;
  note?: string;
}

describe('view schemas', () => {
  it('require every field of the interface but those named optional', () => {
    assert.deepEqual(view<Sample>()({ id: { type: 'string' }, note: { type: 'string' } }, ['note']), {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, note: { type: 'string' } },
    });
    assert.equal('required' in view<Sample>()({ id: {}, note: {} }, ['id', 'note']), false, 'no empty required list');
  });

  it('do not compile when a field is missing or one the interface lacks is added', () => {
    // The compiler is the check: were either line accepted, `tsc` would fail on the unused directive.
    // @ts-expect-error the interface's `id` is missing
    view<Sample>()({ note: {} });
    // @ts-expect-error `colour` is no field of the interface
    view<Sample>()({ id: {}, note: {}, colour: {} });
  });
});
