import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';

/** A tiny stand-in for Active Directory's userAccountControl, so disabled accounts can be tested on OpenLDAP. */
const AD_TEST_SCHEMA = `
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'scimdTestAccount' AUXILIARY MAY ( userAccountControl ) )
`;

/**
 * A private OpenLDAP server (Debian's slapd) for one test file: a temporary folder with a
 * generated slapd.conf (mdb, which answers paged searches), the core, cosine, inetOrgPerson and
 * NIS schemas, listening on a free loopback port as the current user. `stop()` ends it and
 * deletes the folder.
 */
export class Slapd {
  readonly suffix = 'dc=example,dc=test';
  readonly rootDn = 'cn=admin,dc=example,dc=test';
  readonly rootPassword = randomBytes(12).toString('hex');
  url = '';
  /** With `tls`: `ldaps://127.0.0.1:<second port>`, whose certificate chains to `caFile`, a CA made for this server only. */
  ldapsUrl = '';
  caFile = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'scimd-slapd-'));
  private process?: ChildProcess;
  private output = '';

  /** slapd.conf `limits` lines for the database (the root DN is never limited), e.g. a paged-results cap. */
  private limits: string[] = [];

  static async start(options: { tls?: boolean; limits?: string[] } = {}): Promise<Slapd> {
    const slapd = new Slapd();
    slapd.limits = options.limits ?? [];
    if (options.tls) slapd.makeCertificates();
    await slapd.launch();
    await slapd.seedBase();
    return slapd;
  }

  private async launch(): Promise<void> {
    mkdirSync(join(this.dir, 'db'));
    writeFileSync(join(this.dir, 'ad-test.schema'), AD_TEST_SCHEMA);
    const schema = (name: string) => `include /etc/ldap/schema/${name}.schema`;
    writeFileSync(
      join(this.dir, 'slapd.conf'),
      [
        ...['core', 'cosine', 'inetorgperson', 'nis'].map(schema),
        `include ${join(this.dir, 'ad-test.schema')}`,
        `pidfile ${join(this.dir, 'slapd.pid')}`,
        `argsfile ${join(this.dir, 'slapd.args')}`,
        ...(this.caFile
          ? [`TLSCACertificateFile ${this.caFile}`, `TLSCertificateFile ${join(this.dir, 'server.pem')}`, `TLSCertificateKeyFile ${join(this.dir, 'server.key')}`]
          : []),
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'database mdb',
        'maxsize 104857600',
        `suffix "${this.suffix}"`,
        `rootdn "${this.rootDn}"`,
        `rootpw ${this.rootPassword}`,
        `directory ${join(this.dir, 'db')}`,
        'index objectClass eq',
        'index entryUUID eq',
        ...this.limits,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    this.url = `ldap://127.0.0.1:${port}`;
    if (this.caFile) this.ldapsUrl = `ldaps://127.0.0.1:${await freePort()}`;
    const listeners = [this.url, this.ldapsUrl].filter(Boolean).map((u) => `${u}/`).join(' ');
    // -d keeps slapd in the foreground (so it dies with its handle); level 0 prints only errors.
    this.process = spawn('slapd', ['-d', '0', '-h', listeners, '-f', join(this.dir, 'slapd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stdout!.on('data', (chunk) => (this.output += chunk));
    this.process.stderr!.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`slapd exited with ${this.process.exitCode}: ${this.output}`);
      try {
        const client = await this.client();
        await client.unbind();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`slapd did not answer within 30 s: ${(error as Error).message}\n${this.output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost (EC keys: quick to make). */
  private makeCertificates(): void {
    const file = (name: string) => join(this.dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=scimd test CA');
    openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext'));
    this.caFile = file('ca.pem');
  }

  /** The CA certificate (PEM) that signed the server's certificate. */
  caPem(): string {
    return readFileSync(this.caFile, 'utf8');
  }

  /** A client bound as the root DN; the caller unbinds it. */
  async client(): Promise<Client> {
    const client = new Client({ url: this.url, timeout: 10_000, connectTimeout: 2_000 });
    try {
      await client.bind(this.rootDn, this.rootPassword);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async seedBase(): Promise<void> {
    await this.add(this.suffix, { objectClass: ['top', 'dcObject', 'organization'], o: 'Example', dc: 'example' });
    await this.add(`ou=people,${this.suffix}`, { objectClass: ['organizationalUnit'], ou: 'people' });
    await this.add(`ou=groups,${this.suffix}`, { objectClass: ['organizationalUnit'], ou: 'groups' });
  }

  async add(dn: string, attributes: Record<string, string | string[]>): Promise<void> {
    await this.with((client) => client.add(dn, attributes));
  }

  /** Replaces (or, with an empty list, removes) attributes of an entry. */
  async replace(dn: string, attributes: Record<string, string | string[]>): Promise<void> {
    const changes = Object.entries(attributes).map(
      ([type, values]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: Array.isArray(values) ? values : [values] }) }),
    );
    await this.with((client) => client.modify(dn, changes));
  }

  async remove(dn: string): Promise<void> {
    await this.with((client) => client.del(dn));
  }

  /** The entryUUID slapd gave an entry. */
  async entryUuid(dn: string): Promise<string> {
    return this.with(async (client) => {
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['entryUUID'] });
      return String(searchEntries[0].entryUUID);
    });
  }

  private async with<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await work(client);
    } finally {
      await client.unbind();
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
