import type { Backend } from '../../support/databases.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { EngineHarness } from './engine-harness.js';
import { FaultProxy } from './fault-proxy.js';
import { ScimPeople } from './scim-people.js';

/**
 * A scimd server as the upstream SCIM source (seeded with ScimPeople), behind a recording proxy
 * that shows what the engine asks of it, and an engine harness with a connection `mirror` that
 * reads it two resources a page.
 */
export class ScimSourceFixture {
  private constructor(
    readonly source: TestServer,
    readonly idp: ScimPeople,
    readonly reads: FaultProxy,
    readonly h: EngineHarness,
  ) {}

  static async start(backend: Backend): Promise<ScimSourceFixture> {
    const source = await startTestServer(backend);
    const idp = new ScimPeople(await source.createDirectory('upstream'));
    await idp.seed();
    const h = await EngineHarness.start(backend);
    const reads = new FaultProxy(Number(new URL(source.origin).port));
    await reads.start();
    await h.connect('mirror', { source: `scim+${reads.baseUrl}`, sourceSecret: idp.directory.secret, pageSize: '2', deleteAfter: '0' });
    return new ScimSourceFixture(source, idp, reads, h);
  }

  async close(): Promise<void> {
    await this.h.close();
    await this.reads.stop();
    await this.source.close();
  }
}
