/**
 * A mistake in an expression, with the 0-based offset of the character it is at, so an admin
 * sees where to look instead of "invalid expression".
 */
export class ExpressionError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly expression: string,
  ) {
    super(`${reason} at character ${offset + 1}`);
    this.name = 'ExpressionError';
  }

  /** The message, the expression and a caret under the character. */
  explain(): string {
    const lineStart = this.expression.lastIndexOf('\n', this.offset - 1) + 1;
    const lineEnd = this.expression.indexOf('\n', this.offset);
    const line = this.expression.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    return `${this.message}\n  ${line}\n  ${' '.repeat(this.offset - lineStart)}^`;
  }
}
