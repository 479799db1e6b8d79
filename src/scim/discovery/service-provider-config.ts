import type { JsonObject } from '../json.js';
import { SERVICE_PROVIDER_CONFIG_SCHEMA } from '../schema/urns.js';

/** The limits and features a server announces; each one is enforced where it is announced. */
export interface ProtocolSettings {
  defaultPageSize: number;
  maxPageSize: number;
  maxResults: number;
  bulkMaxOperations: number;
  bulkMaxPayloadSize: number;
  /** How long a cursor stays valid, in seconds (RFC 9865). */
  cursorTimeout: number;
  documentationUri?: string;
}

/** RFC 7643 §5 ServiceProviderConfig, with RFC 9865's `pagination`. */
export function serviceProviderConfig(settings: ProtocolSettings, baseUrl: string): JsonObject {
  const config: JsonObject = {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: settings.bulkMaxOperations, maxPayloadSize: settings.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: settings.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: settings.defaultPageSize,
      maxPageSize: settings.maxPageSize,
      cursorTimeout: settings.cursorTimeout,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer client secret',
        description: 'A directory client secret sent as "Authorization: Bearer <secret>".',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  };
  if (settings.documentationUri) config.documentationUri = settings.documentationUri;
  return config;
}
