/** RFC 6749 §5.2 error codes (and `server_error` / `temporarily_unavailable` for our own failures). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable';

/** The challenge that tells a client to authenticate with HTTP Basic (RFC 6749 §2.3.1). */
export const BASIC_CHALLENGE = 'Basic realm="scimd", charset="UTF-8"';

/** A token endpoint failure: its status, RFC 6749 code, a readable description and any headers. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  toBody(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);

/** 401 with the Basic challenge: RFC 6749 requires it when the client used the Authorization header, and it tells every other client how to authenticate. */
export const invalidClient = (description: string) => new OAuthError(401, 'invalid_client', description, { 'www-authenticate': BASIC_CHALLENGE });
