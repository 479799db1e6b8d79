import type { JsonSchema } from '../route-schema.js';

/**
 * The schema of an admin API view: its properties name exactly the fields of the view's
 * interface in src/admin/api-views.ts (a field missing on either side fails to compile), and
 * all of them are required except those listed as optional.
 */
export function view<T>() {
  return <P extends Record<keyof T, JsonSchema>>(properties: P & Record<Exclude<keyof P, keyof T>, never>, optional: readonly (keyof T & string)[] = [], extra: JsonSchema = {}): JsonSchema => {
    const required = Object.keys(properties).filter((key) => !(optional as readonly string[]).includes(key));
    return { type: 'object', ...extra, ...(required.length ? { required } : {}), properties };
  };
}
