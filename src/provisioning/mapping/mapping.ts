/**
 * How one target attribute gets its value, like a row of Entra's attribute-mapping page:
 * exactly one of `source` (Direct), `constant` (Constant) or `expression` (Expression).
 */
export interface AttributeMapping {
  /** The target attribute: `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:department`. */
  target: string;
  /** Direct: the source attribute (a CSV column or JSON key). */
  source?: string;
  constant?: string;
  /** An expression in Entra's syntax, e.g. `Join(" ", [givenName], [surname])`. */
  expression?: string;
  /** Used when the mapped value is null, and, as in Entra, only when the object is created. */
  defaultIfNull?: string;
  /** `create`: only when the object is created ("Only during object creation"). Default `always`. */
  apply?: 'always' | 'create';
  /** Makes this a matching attribute; lower numbers are tried first (matching precedence). */
  matching?: number;
}

/** The mappings of a connection, per object type. */
export interface ObjectMappings {
  users: AttributeMapping[];
  groups: AttributeMapping[];
}
