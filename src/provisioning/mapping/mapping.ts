import type { AttributeMapping, ObjectMappings } from '../../admin/api-views.js';
export type { AttributeMapping, ObjectMappings } from '../../admin/api-views.js';

