import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EXPIRY_WARNING_DAYS, dueWarning, parseWarningDays, warningHorizon } from './expiry-warnings.js';

const DAY = 86_400_000;
const expiresAt = '2030-06-01T00:00:00.000Z';
const before = (ms: number) => new Date(Date.parse(expiresAt) - ms);

describe('expiry warnings', () => {
  it('parses a list of days, sorted nearest last, without duplicates', () => {
    assert.deepEqual(parseWarningDays('1, 7,30,7'), [30, 7, 1]);
    assert.deepEqual(parseWarningDays('60,30,14,7,1'), DEFAULT_EXPIRY_WARNING_DAYS);
    assert.deepEqual(parseWarningDays('7,,'), [7]);
    for (const bad of ['', ',', 'x', '0', '-1', '1.5', '99999']) assert.equal(parseWarningDays(bad), undefined, bad);
  });

  it('is due nothing outside every window', () => {
    assert.equal(dueWarning(expiresAt, null, DEFAULT_EXPIRY_WARNING_DAYS, before(60 * DAY + 1)), undefined);
  });

  it('is due the threshold once the clock crosses it, with whole days left rounded up', () => {
    assert.deepEqual(dueWarning(expiresAt, null, DEFAULT_EXPIRY_WARNING_DAYS, before(60 * DAY)), { thresholdDays: 60, daysLeft: 60 });
    assert.deepEqual(dueWarning(expiresAt, null, DEFAULT_EXPIRY_WARNING_DAYS, before(30 * DAY - 1000)), { thresholdDays: 30, daysLeft: 30 });
    assert.deepEqual(dueWarning(expiresAt, 30, DEFAULT_EXPIRY_WARNING_DAYS, before(13.5 * DAY)), { thresholdDays: 14, daysLeft: 14 });
    assert.deepEqual(dueWarning(expiresAt, 7, DEFAULT_EXPIRY_WARNING_DAYS, before(3600_000)), { thresholdDays: 1, daysLeft: 1 });
  });

  it('is due nothing again for a threshold already announced', () => {
    assert.equal(dueWarning(expiresAt, 30, DEFAULT_EXPIRY_WARNING_DAYS, before(29 * DAY)), undefined);
    assert.equal(dueWarning(expiresAt, 1, DEFAULT_EXPIRY_WARNING_DAYS, before(1000)), undefined);
  });

  it('warns once, for the nearest window, a secret that is inside several', () => {
    assert.deepEqual(dueWarning(expiresAt, null, DEFAULT_EXPIRY_WARNING_DAYS, before(10 * DAY)), { thresholdDays: 14, daysLeft: 10 });
  });

  it('is due nothing once the secret has expired (that is secret.expired)', () => {
    assert.equal(dueWarning(expiresAt, null, DEFAULT_EXPIRY_WARNING_DAYS, before(0)), undefined);
    assert.equal(dueWarning(expiresAt, null, [], before(DAY)), undefined);
  });

  it('looks as far ahead as the widest window', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    assert.equal(warningHorizon([7, 60, 1], now).getTime() - now.getTime(), 60 * DAY);
    assert.equal(warningHorizon([], now).getTime(), now.getTime());
  });
});
