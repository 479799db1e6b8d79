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
  /** Where the OAuth 2.0 client credentials token endpoint is, relative to the server's origin. */
  oauthTokenPath?: string;
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
      ...(settings.oauthTokenPath
        ? [
            {
              type: 'oauth2',
              name: 'OAuth 2.0 client credentials',
              description: `POST the client secret's id and value (HTTP Basic) with grant_type=client_credentials to ${absoluteUrl(settings.oauthTokenPath, baseUrl)} for a short-lived access token, then send it as "Authorization: Bearer <token>".`,
              specUri: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4',
              primary: false,
            },
          ]
        : []),
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  };
  if (settings.documentationUri) config.documentationUri = settings.documentationUri;
  return config;
}

/** `path` on the server `baseUrl` names; the path alone when the Host the client sent does not make a URL. */
function absoluteUrl(path: string, baseUrl: string): string {
  try {
    return new URL(path, baseUrl).href;
  } catch {
    return path;
  }
}
