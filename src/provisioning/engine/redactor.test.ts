import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor } from './redactor.js';

describe('redaction', () => {
  const redactor = new Redactor(['hunter2-secret'], ['nickName']);

  it('removes the connection secrets, scimd secrets and bearer credentials from text', () => {
    assert.equal(
      redactor.text('POST failed with hunter2-secret; token scimd_AbCdEfGhIjKlMnOpQrStUv; Authorization: Bearer eyJhbGciOi.x.y and Basic dXNlcjpwYXNz'),
      'POST failed with [redacted]; token [redacted]; Authorization: Bearer [redacted] and Basic [redacted]',
    );
  });

  it("shows [Redact] for values of attributes whose mapping uses Redact(), and for passwords", () => {
    assert.deepEqual(redactor.attributes({ userName: 'a', nickName: 'secret nick', password: 'pw' }), { userName: 'a', nickName: '[Redact]', password: '[Redact]' });
    assert.deepEqual(redactor.changes([{ path: 'nickName', from: 'a', to: 'b' }, { path: 'nickName', from: 'a' }, { path: 'title', to: 't' }]), [
      { path: 'nickName', from: '[Redact]', to: '[Redact]' },
      { path: 'nickName', from: '[Redact]' },
      { path: 'title', to: 't' },
    ]);
  });
});
