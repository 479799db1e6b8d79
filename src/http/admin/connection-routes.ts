import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../admin/admin-views.js';
import { invalidInput } from '../../admin/admin-error.js';
import type { ConnectionInput } from '../../provisioning/connections/connection-input.js';
import type { ConnectionService } from '../../provisioning/connections/connection-service.js';
import type { LogEntry } from '../../provisioning/store/connection-store.js';
import { created } from './admin-context.js';
import { bodyFields, numberParam, queryParam, requiredString } from './request-input.js';

/** Text options of a connection, as the CLI has them; numbers are accepted as JSON numbers too. */
const TEXT_FIELDS = [
  'source', 'groups', 'memberships', 'userKey', 'groupKey', 'sourceSecret', 'bindDn', 'baseDn', 'userFilter', 'groupFilter', 'sourceKey', 'pageSize', 'sourceCa', 'sourceEncoding',
  'target', 'scopeUsers', 'scopeGroups', 'concurrency', 'rate', 'timeout', 'deleteAfter', 'deletionThreshold', 'schedule', 'wireFormat', 'membersPerRequest', 'fullSyncEvery',
] as const;
const FLAG_FIELDS = ['adopt', 'syncGroups', 'incremental', 'sourceStartTls'] as const;
const CREDENTIAL_FIELDS = ['secret', 'secretExpires', 'tokenUrl', 'clientId', 'clientSecret', 'oauthScope'] as const;

/**
 * Provisioning connections under /api/v1/connections: thin handlers over ConnectionService.
 * Admin credentials are required (the hook of the enclosing plugin); a secret is accepted in a
 * request body and never appears in a response.
 */
export function registerConnectionRoutes(app: FastifyInstance, connections: () => Promise<ConnectionService>, actor: (request: FastifyRequest) => Actor): void {
  type Params = { Params: { connection: string } };

  app.get('/connections', async () => ({ connections: await (await connections()).list() }));

  app.post('/connections', async (request, reply) => {
    const fields = bodyFields(request.body, ['name', ...TEXT_FIELDS, ...FLAG_FIELDS, ...CREDENTIAL_FIELDS, 'mappings']);
    const result = await (await connections()).create(requiredString(fields, 'name'), connectionInput(fields), actor(request));
    return created(reply, `/api/v1/connections/${result.connection.id}`, result);
  });

  app.get<Params>('/connections/:connection', async (request) => (await connections()).get(request.params.connection));

  app.patch<Params>('/connections/:connection', async (request) => {
    const fields = bodyFields(request.body, [...TEXT_FIELDS, ...FLAG_FIELDS, 'mappings']);
    return (await connections()).update(request.params.connection, connectionInput(fields), actor(request));
  });

  app.delete<Params>('/connections/:connection', async (request) => (await connections()).delete(request.params.connection, actor(request)));

  app.post<Params>('/connections/:connection/test', async (request) => (await connections()).test(request.params.connection));

  app.put<Params>('/connections/:connection/secret', async (request) => {
    const fields = bodyFields(request.body, CREDENTIAL_FIELDS);
    return (await connections()).setSecret(request.params.connection, connectionInput(fields), actor(request));
  });

  app.post<Params>('/connections/:connection/run', async (request) => {
    const fields = bodyFields(request.body, ['allowDeletes', 'full']);
    return (await connections()).runCycle(request.params.connection, { allowDeletes: optionalFlag(fields, 'allowDeletes'), full: optionalFlag(fields, 'full') });
  });

  app.post<Params>('/connections/:connection/dry-run', async (request) => {
    const fields = bodyFields(request.body, ['full']);
    return (await connections()).runCycle(request.params.connection, { dryRun: true, full: optionalFlag(fields, 'full') });
  });

  app.get<Params>('/connections/:connection/cycles', async (request) => ({
    cycles: await (await connections()).cycles(request.params.connection, numberParam(request.query, 'limit')),
  }));

  app.get<Params>('/connections/:connection/logs', async (request) => {
    const query = request.query;
    const page = await (await connections()).logs(request.params.connection, {
      cycle: queryParam(query, 'cycle'),
      object: queryParam(query, 'object'),
      action: queryParam(query, 'action'),
      result: queryParam(query, 'result') as LogEntry['result'] | undefined,
      limit: numberParam(query, 'limit'),
      before: numberParam(query, 'before'),
    });
    return page;
  });

  app.post<Params>('/connections/:connection/provision', async (request) => {
    const fields = bodyFields(request.body, ['user', 'group', 'members']);
    const text = (name: string) => {
      const value = fields[name];
      if (value !== undefined && typeof value !== 'string') throw invalidInput(`${name} must be a string`);
      return value as string | undefined;
    };
    const members = fields.members;
    if (members !== undefined && (!Array.isArray(members) || members.some((m) => typeof m !== 'string'))) throw invalidInput('members must be a list of member keys');
    return (await connections()).provision(request.params.connection, { user: text('user'), group: text('group'), members: members as string[] | undefined });
  });

  app.post<Params>('/connections/:connection/allow-deletions', async (request) => (await connections()).allowDeletions(request.params.connection, actor(request)));

  app.delete<Params>('/connections/:connection/quarantine', async (request) => (await connections()).clearQuarantine(request.params.connection));
}

/** JSON fields into the connection parser's input: text as text, numbers as their text, flags as booleans. */
function connectionInput(fields: Record<string, unknown>): ConnectionInput {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === 'name') continue;
    if (key === 'mappings') input.mappings = value;
    else if ((FLAG_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw invalidInput(`${key} must be true or false`);
      input[key] = value;
    } else if (typeof value === 'string') input[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) input[key] = String(value);
    else throw invalidInput(`${key} must be a string`);
  }
  return input as ConnectionInput;
}

/** A true/false body field that may be left out. */
function optionalFlag(fields: Record<string, unknown>, name: string): boolean | undefined {
  const value = fields[name];
  if (value !== undefined && typeof value !== 'boolean') throw invalidInput(`${name} must be true or false`);
  return value as boolean | undefined;
}
