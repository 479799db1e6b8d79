import type { FastifyInstance } from 'fastify';
import { bodyFields, queryParam, requiredString, settingsPatch } from './request-input.js';
import { created, type AdminRouteContext } from './admin-context.js';

interface DirectoryParams {
  directory: string;
}

/** Directories (by id or name in the path) and their settings. */
export function registerDirectoryRoutes(app: FastifyInstance, context: AdminRouteContext): void {
  const { service, actor, scimUrl } = context;

  app.get('/directories', async (request) => {
    const url = scimUrl(request);
    return { directories: (await service.listDirectories()).map((d) => ({ ...d, scimUrl: url })) };
  });

  app.post('/directories', async (request, reply) => {
    const fields = bodyFields(request.body, ['name', 'settings']);
    const directory = await service.createDirectory(actor(request), {
      name: requiredString(fields, 'name'),
      ...(fields.settings !== undefined ? { settings: settingsPatch(fields.settings) } : {}),
    });
    return created(reply, `/api/v1/directories/${directory.id}`, { ...directory, scimUrl: scimUrl(request) });
  });

  app.get<{ Params: DirectoryParams }>('/directories/:directory', async (request) => ({
    ...(await service.getDirectory(request.params.directory)),
    scimUrl: scimUrl(request),
  }));

  app.patch<{ Params: DirectoryParams }>('/directories/:directory', async (request) => {
    const fields = bodyFields(request.body, ['name']);
    const directory = await service.renameDirectory(actor(request), request.params.directory, requiredString(fields, 'name'));
    return { ...directory, scimUrl: scimUrl(request) };
  });

  app.delete<{ Params: DirectoryParams }>('/directories/:directory', async (request) =>
    service.deleteDirectory(actor(request), request.params.directory, queryParam(request.query, 'confirm')),
  );

  app.get<{ Params: DirectoryParams }>('/directories/:directory/settings', async (request) => service.getSettings(request.params.directory));

  app.patch<{ Params: DirectoryParams }>('/directories/:directory/settings', async (request) =>
    service.updateSettings(actor(request), request.params.directory, settingsPatch(request.body ?? {})),
  );
}
