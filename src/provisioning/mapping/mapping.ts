// A connection's attribute mappings are part of what the admin API shows of it: declared in api-views.ts.
export type { AttributeMapping, ObjectMappings } from '../../admin/api-views.js';
