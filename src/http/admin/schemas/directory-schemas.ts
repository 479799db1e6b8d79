import { DIRECTORY_PARAM, listOf, objectBody, ok, pathParams, problem, queryParams, ref, routeSchemas } from '../route-schema.js';
import { SETTINGS_PATCH } from './admin-views-schema.js';

const directory = pathParams({ directory: DIRECTORY_PARAM });
const notFound = { '404': problem('No such directory (`not-found`).') };
const nameTaken = { '409': problem('The name is taken (`name-taken`).') };

/** The directory routes (directory-routes.ts). */
export const DIRECTORY_SCHEMAS = routeSchemas({
  list: { summary: 'List directories', responses: { '200': ok('The directories', listOf('directories', 'Directory')) } },
  create: {
    summary: 'Create a directory',
    body: objectBody({ name: { type: 'string', maxLength: 200 }, settings: SETTINGS_PATCH }, ['name']),
    responses: { '201': ok('The directory', ref('Directory')), ...nameTaken },
  },
  get: { summary: 'Get a directory with its counts', params: directory, responses: { '200': ok('The directory', ref('DirectoryDetails')), ...notFound } },
  rename: {
    summary: 'Rename a directory',
    params: directory,
    body: objectBody({ name: { type: 'string' } }, ['name']),
    responses: { '200': ok('The directory', ref('Directory')), ...nameTaken, ...notFound },
  },
  delete: {
    summary: 'Delete a directory with its users, groups and secrets',
    params: directory,
    querystring: queryParams({ confirm: { type: 'string', description: "The directory's name, repeated." } }),
    responses: {
      '200': ok('What was deleted', { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } }),
      '400': problem('`confirm` is missing or not the name (`confirmation-required`); the detail says what would be lost.'),
      ...notFound,
    },
  },
  settings: { summary: "A directory's settings", params: directory, responses: { '200': ok('The settings in force', ref('Settings')), ...notFound } },
  updateSettings: {
    summary: "Change a directory's settings",
    params: directory,
    body: SETTINGS_PATCH,
    responses: { '200': ok('The settings in force', ref('Settings')), ...notFound },
  },
});
