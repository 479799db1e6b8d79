import { GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema/urns.js';
import type { Capabilities, Discovery } from './capabilities.js';
import { listOf } from './capabilities.js';
import { CheckFailure, CheckSkipped, expectStatus } from './check-failure.js';
import type { CheckHttp, Exchange, SendOptions } from './check-http.js';
import type { CreatedObjects, Endpoint } from './created-objects.js';
import { SEED_KEYS, seedUserBody, type SeedKey, type SeedUser } from './seed-data.js';

/** Most resources a check reads from one listing before it gives up (bounds a run against a big directory). */
const LISTING_CAP = 2000;

/** What every check gets: the server, what it advertises, and helpers that create only prefixed, tracked objects. */
export class CheckContext {
  private seeded?: Promise<Map<SeedKey, SeedUser>>;
  private counter = 0;

  constructor(
    readonly http: CheckHttp,
    readonly prefix: string,
    readonly discovery: Discovery,
    private readonly created: CreatedObjects,
  ) {}

  get capabilities(): Capabilities {
    return this.discovery.capabilities;
  }

  /**
   * Skips the check when the server's /Schemas describes the User schema without the attribute:
   * IdPs send only attributes an admin mapped, and admins map from what the app declares. When
   * /Schemas is unreadable every attribute is assumed.
   */
  requireUserAttribute(name: string): void {
    const user = listOf(this.discovery.schemas.body).find((s) => s.id === USER_SCHEMA);
    const attributes = user && Array.isArray(user.attributes) ? (user.attributes as Record<string, unknown>[]) : undefined;
    if (attributes && !attributes.some((a) => String(a?.name).toLowerCase() === name.toLowerCase())) {
      throw new CheckSkipped(`the server's User schema (/Schemas) does not declare ${name}, so an IdP would not be mapped to send it`);
    }
  }

  /** A fresh name carrying the run's prefix. */
  name(label: string): string {
    this.counter += 1;
    return `${this.prefix}${label}-${this.counter}`;
  }

  send(method: string, path: string, options?: SendOptions): Promise<Exchange> {
    return this.http.send(method, path, options);
  }

  /** Records an object the server says it created (from a 201), so cleanup deletes it. */
  track(endpoint: Endpoint, exchange: Exchange): void {
    if (exchange.status >= 200 && exchange.status < 300 && typeof exchange.json.id === 'string') this.created.add(endpoint, exchange.json.id);
  }

  forget(endpoint: Endpoint, id: string): void {
    this.created.forget(endpoint, id);
  }

  /** POSTs a resource that must be created (201 with an id); the failure names the request otherwise. */
  async create(endpoint: Endpoint, body: Record<string, unknown>): Promise<{ id: string; exchange: Exchange }> {
    const exchange = await this.send('POST', `/${endpoint}`, { body });
    this.track(endpoint, exchange);
    expectStatus(exchange, [201], `creating ${endpoint === 'Users' ? 'a user' : 'a group'} the check needs`);
    const id = exchange.json.id;
    if (typeof id !== 'string' || id === '') throw new CheckFailure('the created resource has no id (RFC 7643 §3.1)', [exchange]);
    return { id, exchange };
  }

  /** A minimal valid user named with the prefix. */
  userBody(label = 'user', extra: Record<string, unknown> = {}): Record<string, unknown> {
    const userName = `${this.name(label)}@example.com`;
    return {
      schemas: [USER_SCHEMA],
      userName,
      name: { givenName: 'Check', familyName: label },
      displayName: `Check ${label}`,
      active: true,
      emails: [{ type: 'work', value: userName, primary: true }],
      ...extra,
    };
  }

  createUser(label = 'user', extra: Record<string, unknown> = {}): Promise<{ id: string; exchange: Exchange }> {
    return this.create('Users', this.userBody(label, extra));
  }

  createGroup(label = 'group', extra: Record<string, unknown> = {}): Promise<{ id: string; exchange: Exchange }> {
    return this.create('Groups', { schemas: [GROUP_SCHEMA], displayName: this.name(label), ...extra });
  }

  /** The shared users of filter, sort and paging checks, created once per run on first use. */
  seed(): Promise<Map<SeedKey, SeedUser>> {
    this.seeded ??= (async () => {
      const users = new Map<SeedKey, SeedUser>();
      for (const key of SEED_KEYS) {
        const sent = seedUserBody(this.prefix, key, this.capabilities.enterpriseUser);
        const { id } = await this.create('Users', sent);
        users.set(key, { key, id, sent });
      }
      return users;
    })();
    return this.seeded;
  }

  /**
   * Every resource a query returns, page by page (index paging), up to a cap; `exchanges` are
   * the pages, for evidence.
   */
  async listAll(endpoint: Endpoint, query: Record<string, string | number>, pageSize = 200): Promise<{ resources: Record<string, unknown>[]; exchanges: Exchange[] }> {
    const resources: Record<string, unknown>[] = [];
    const exchanges: Exchange[] = [];
    let startIndex = 1;
    while (resources.length < LISTING_CAP) {
      const page = await this.send('GET', `/${endpoint}`, { query: { ...query, startIndex, count: pageSize } });
      exchanges.push(page);
      expectStatus(page, 200, `GET /${endpoint}`);
      const items = listOf(page.body);
      resources.push(...items);
      const total = typeof page.json.totalResults === 'number' ? page.json.totalResults : resources.length;
      if (items.length === 0 || resources.length >= total) break;
      startIndex += items.length;
    }
    return { resources, exchanges };
  }
}
