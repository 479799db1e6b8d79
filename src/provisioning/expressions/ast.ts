/**
 * An attribute-mapping expression in Entra's syntax, parsed. Every node keeps the character
 * offset it starts at, so evaluation errors can point at the part of the text that failed.
 */
export type Expr =
  | { kind: 'call'; name: string; args: (Expr | undefined)[]; at: number }
  | { kind: 'attribute'; name: string; at: number }
  | { kind: 'string'; value: string; at: number }
  /** A number literal, as the decimal text expressions compute with (`&HF7` reads as "247"). */
  | { kind: 'number'; value: string; at: number }
  /** A bare word such as `vbTextCompare`, which some functions take as an option. */
  | { kind: 'name'; name: string; at: number }
  | { kind: 'compare'; op: CompareOperator; left: Expr; right: Expr; at: number };

/** The comparison operators IIF's condition may use. */
export type CompareOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';
