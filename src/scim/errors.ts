/**
 * The one error type of the protocol core. HTTP turns it into the RFC 7644 §3.12 error body in
 * one place; everything else creates it through the small named constructors below.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The RFC 7644 error body; `status` is a string, as the RFC's schema says. */
  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const mutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const tooMany = (detail: string) => new ScimError(400, detail, 'tooMany');
export const invalidCursor = (detail: string) => new ScimError(400, detail, 'invalidCursor');
export const expiredCursor = (detail: string) => new ScimError(400, detail, 'expiredCursor');
export const invalidCount = (detail: string) => new ScimError(400, detail, 'invalidCount');
export const invalidVersion = (detail: string) => new ScimError(400, detail, 'invalidVers');
export const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const badRequest = (detail: string) => new ScimError(400, detail);
export const unauthorized = (detail: string) => new ScimError(401, detail);
export const forbidden = (detail: string) => new ScimError(403, detail);
export const notFound = (detail: string) => new ScimError(404, detail);
export const methodNotAllowed = (detail: string) => new ScimError(405, detail);
export const conflict = (detail: string) => new ScimError(409, detail);
export const preconditionFailed = (detail: string) => new ScimError(412, detail);
export const payloadTooLarge = (detail: string) => new ScimError(413, detail);
export const unsupportedMediaType = (detail: string) => new ScimError(415, detail);
export const notImplemented = (detail: string) => new ScimError(501, detail);
export const unavailable = (detail: string) => new ScimError(503, detail);

export const resourceNotFound = (resourceType: string, id: string) =>
  notFound(`${resourceType} ${JSON.stringify(id)} not found`);
