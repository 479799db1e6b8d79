import type { FastifyInstance } from 'fastify';
import type { SettingsPatch } from '../../admin/api-views.js';
import { created, type AdminRouteContext } from './admin-context.js';
import { DIRECTORY_SCHEMAS as S } from './schemas/directory-schemas.js';

interface DirectoryParams {
  directory: string;
}

/** Directories (by id or name in the path) and their settings; input is checked by their schemas. */
export function registerDirectoryRoutes(app: FastifyInstance, context: AdminRouteContext): void {
  const { service, actor, scimUrl } = context;

  app.get('/directories', { schema: S.list }, async (request) => {
    const url = scimUrl(request);
    return { directories: (await service.listDirectories()).map((d) => ({ ...d, scimUrl: url })) };
  });

  app.post<{ Body: { name: string; settings?: SettingsPatch } }>('/directories', { schema: S.create }, async (request, reply) => {
    const { name, settings } = request.body;
    const directory = await service.createDirectory(actor(request), { name, ...(settings !== undefined ? { settings } : {}) });
    return created(reply, `/api/v1/directories/${directory.id}`, { ...directory, scimUrl: scimUrl(request) });
  });

  app.get<{ Params: DirectoryParams }>('/directories/:directory', { schema: S.get }, async (request) => ({
    ...(await service.getDirectory(request.params.directory)),
    scimUrl: scimUrl(request),
  }));

  app.patch<{ Params: DirectoryParams; Body: { name: string } }>('/directories/:directory', { schema: S.rename }, async (request) => {
    const directory = await service.renameDirectory(actor(request), request.params.directory, request.body.name);
    return { ...directory, scimUrl: scimUrl(request) };
  });

  app.delete<{ Params: DirectoryParams; Querystring: { confirm?: string } }>('/directories/:directory', { schema: S.delete }, async (request) =>
    service.deleteDirectory(actor(request), request.params.directory, request.query.confirm),
  );

  app.get<{ Params: DirectoryParams }>('/directories/:directory/settings', { schema: S.settings }, async (request) => service.getSettings(request.params.directory));

  app.patch<{ Params: DirectoryParams; Body: SettingsPatch }>('/directories/:directory/settings', { schema: S.updateSettings }, async (request) =>
    service.updateSettings(actor(request), request.params.directory, request.body),
  );
}
