import { findExtension, type ResourceModel } from './resource-models.js';

/**
 * A known extension's URN, or an unknown one whose last segment names the resource type
 * (`urn:…:CustomExt:2.0:User`), since that is how a schema URN, not an attribute, ends.
 */
export function extensionUri(text: string, model: ResourceModel): string | undefined {
  if (!/^urn:/i.test(text)) return undefined;
  const known = findExtension(model, text);
  if (known) return known.id;
  const last = text.slice(text.lastIndexOf(':') + 1);
  if (last.toLowerCase() === model.name.toLowerCase() && !text.includes('[')) return text;
  return undefined;
}
