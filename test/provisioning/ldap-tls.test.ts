import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionService } from '../../src/provisioning/connections/connection-service.js';
import type { TestReport } from '../../src/provisioning/connections/connection-test.js';
import { parseSourceSpec } from '../../src/provisioning/sources/source-spec.js';
import { CliHarness } from './support/cli-harness.js';
import { EngineHarness } from './support/engine-harness.js';
import { Slapd } from './support/slapd.js';

const BASE = 'dc=example,dc=test';

/** The source half of a Test Connection report, as `step: status`. */
const sourceSteps = (report: TestReport) => report.steps.filter((s) => s.side === 'source').map((s) => `${s.step}: ${s.status}`);
const step = (report: TestReport, name: string) => report.steps.find((s) => s.step === name)!;

// TLS towards the source does not depend on the engine's database: one backend is enough.
describe('LDAP source over TLS with a private CA (slapd with ldaps:// and StartTLS)', () => {
  let h: EngineHarness;
  let ldap: Slapd;
  let service: ConnectionService;

  before(async () => {
    ldap = await Slapd.start({ tls: true });
    h = await EngineHarness.start('sqlite');
    service = new ConnectionService(h.store, h.encryptor, { clientOptions: { retry: { baseMs: 5, capMs: 50 } } });
    await ldap.add(`uid=ann,ou=people,${BASE}`, { objectClass: ['inetOrgPerson'], uid: 'ann', cn: 'Ann Lee', sn: 'Lee', givenName: 'Ann', mail: 'ann@example.test' });
    await ldap.add(`cn=staff,ou=groups,${BASE}`, { objectClass: ['groupOfNames'], cn: 'staff', member: [`uid=ann,ou=people,${BASE}`] });
  });
  after(async () => {
    await h?.close();
    await ldap?.stop();
  });

  const ldapInput = (extra: Record<string, unknown> = {}) => ({ source: ldap.ldapsUrl, baseDn: BASE, bindDn: ldap.rootDn, sourceSecret: ldap.rootPassword, deleteAfter: '0', ...extra });

  it('without the CA, Test Connection fails at the TLS step in plain words, and a cycle fails saying why', async () => {
    await h.connect('no-ca', ldapInput());
    const report = await service.test('no-ca');
    assert.equal(report.ok, false);
    assert.deepEqual(sourceSteps(report), ['Source reachable: ok', 'Source TLS: failed', 'Source read: skipped']);
    assert.match(step(report, 'Source TLS').detail, /the directory's certificate was not accepted \(.+\); for a private CA give it with --source-ca-file/);
    assert.equal(step(report, 'Authentication').status, 'ok', 'the target half is still tested');
    assert.ok(!JSON.stringify(report).includes(ldap.rootPassword));

    const cycle = await h.sync('no-ca');
    assert.equal(cycle.cycle.status, 'failed');
    assert.match(cycle.cycle.message ?? '', /TLS failed, the server's certificate was not accepted .*--source-ca-file/);
  });

  it('with the CA (PEM stored with the connection), every source step passes and a cycle provisions the directory', async () => {
    await h.connect('with-ca', ldapInput({ sourceCa: ldap.caPem() }));
    const report = await service.test('with-ca');
    assert.equal(report.ok, true, JSON.stringify(report.steps, null, 2));
    assert.deepEqual(sourceSteps(report), [
      'Source reachable: ok',
      'Source TLS: ok',
      'Source bind: ok',
      'Source base DN: ok',
      'Source user search: ok',
      'Source group search: ok',
      'Source read: ok',
    ]);
    assert.match(step(report, 'Source TLS').detail, /^ldaps:\/\/, certificate verified against the connection's CA$/);
    assert.match(step(report, 'Source read').detail, /^1 users \(1 in scope\) and 1 groups \(1 in scope\)/);

    const cycle = await h.sync('with-ca');
    assert.equal(cycle.cycle.status, 'completed', cycle.cycle.message ?? '');
    assert.equal(cycle.summary.created, 2);
    assert.ok((await h.targetUsers()).has('ann'));
    assert.ok((await h.targetGroups()).has('staff'));
  });

  it('StartTLS on the ldap:// port, verified against the same CA', async () => {
    await h.connect('starttls', ldapInput({ source: ldap.url, sourceCa: ldap.caPem(), sourceStartTls: true }));
    const report = await service.test('starttls');
    assert.equal(report.ok, true, JSON.stringify(report.steps, null, 2));
    assert.match(step(report, 'Source TLS').detail, /^StartTLS, certificate verified against the connection's CA$/);
    await h.connect('starttls-no-ca', ldapInput({ source: ldap.url, sourceStartTls: true }));
    const failed = await service.test('starttls-no-ca');
    assert.equal(step(failed, 'Source TLS').status, 'failed');
  });

  it('names a refused bind, a missing base DN and an unreachable server', async () => {
    await h.connect('bad-password', ldapInput({ sourceCa: ldap.caPem(), sourceSecret: 'not-the-password' }));
    const bind = await service.test('bad-password');
    assert.equal(bind.ok, false);
    assert.equal(step(bind, 'Source TLS').status, 'ok');
    assert.match(step(bind, 'Source bind').detail, /the directory refused the bind DN cn=admin,dc=example,dc=test or its password/);

    await h.connect('bad-base', ldapInput({ sourceCa: ldap.caPem(), baseDn: 'dc=nowhere,dc=test' }));
    const base = await service.test('bad-base');
    assert.equal(step(base, 'Source base DN').status, 'failed');
    assert.match(step(base, 'Source base DN').detail, /dc=nowhere,dc=test does not exist/);

    await h.connect('nobody-home', ldapInput({ source: 'ldaps://127.0.0.1:1', sourceCa: ldap.caPem() }));
    const down = await service.test('nobody-home');
    assert.deepEqual(sourceSteps(down), ['Source reachable: failed', 'Source read: skipped']);
    assert.match(step(down, 'Source reachable').detail, /could not connect to 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('refuses a CA that is not PEM, and StartTLS on an ldaps:// URL', () => {
    assert.throws(() => parseSourceSpec({ source: ldap.ldapsUrl, baseDn: BASE, bindDn: ldap.rootDn, sourceSecret: 'x', sourceCa: 'hello' }, h.encryptor), /The source CA is not a PEM certificate/);
    assert.throws(() => parseSourceSpec({ source: ldap.ldapsUrl, baseDn: BASE, bindDn: ldap.rootDn, sourceSecret: 'x', sourceStartTls: true }, h.encryptor), /StartTLS is for ldap:\/\/ URLs/);
    assert.throws(() => parseSourceSpec({ source: 'file:users.csv', sourceCa: ldap.caPem() }, h.encryptor), /--source-ca-file is for LDAP sources/);
  });
});

describe('scimd connection --source-ca-file and --source-starttls (command line)', () => {
  let h: CliHarness;
  let ldap: Slapd;
  before(async () => {
    ldap = await Slapd.start({ tls: true });
    h = await CliHarness.start('sqlite');
    await ldap.add(`uid=ann,ou=people,${BASE}`, { objectClass: ['inetOrgPerson'], uid: 'ann', cn: 'Ann Lee', sn: 'Lee', givenName: 'Ann' });
  });
  after(async () => {
    await h?.close();
    await ldap?.stop();
  });

  it('refuses to create an ldaps:// connection whose certificate it cannot verify, naming TLS and the option', async () => {
    const refused = await h.run(['connection', 'create', 'corp', '--source', ldap.ldapsUrl, '--base-dn', BASE, '--bind-dn', ldap.rootDn, '--source-secret', ldap.rootPassword, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /TLS failed, the server's certificate was not accepted .*--source-ca-file/);
  });

  it('creates it with the CA file, stores the CA (not the path), tests and syncs', async () => {
    const created = await h.json(['connection', 'create', 'corp', '--source', ldap.ldapsUrl, '--base-dn', BASE, '--bind-dn', ldap.rootDn, '--source-secret', ldap.rootPassword, '--source-ca-file', ldap.caFile, '--target', h.proxy.baseUrl, '--secret', h.directory.secret]);
    assert.equal(created.check.users, 1);
    assert.equal(created.source.caCertificate.trim(), ldap.caPem().trim());
    const test = await h.run(['connection', 'test', 'corp']);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /ok {4}Source TLS +ldaps:\/\/, certificate verified against the connection's CA/);
    const cycle = await h.json(['sync', 'corp']);
    assert.equal(cycle.summary.created, 1, JSON.stringify(cycle));

    const starttls = await h.json(['connection', 'update', 'corp', '--source', ldap.url, '--source-starttls']);
    assert.equal(starttls.source.startTls, true);
    const retest = await h.json(['connection', 'test', 'corp']);
    assert.match(retest.steps.find((s: { step: string }) => s.step === 'Source TLS').detail, /^StartTLS/);

    const missing = await h.run(['connection', 'update', 'corp', '--source-ca-file', `${ldap.caFile}.missing`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--source-ca-file .*\.missing: no such file/);
  });
});
