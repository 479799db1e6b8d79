/**
 * The JSON views the admin API answers with, declared once: the server builds them, the remote
 * CLI reads them, and the web console (console/) imports this module for its types. Nothing here
 * needs Node (the console compiles these files with browser types only); the OpenAPI document's
 * response schemas are checked against these interfaces (src/http/admin/schemas/view-schema.ts).
 */
export * from './api-views/directory-views.js';
export * from './api-views/event-views.js';
export * from './api-views/connection-views.js';
export * from './api-views/source-views.js';
