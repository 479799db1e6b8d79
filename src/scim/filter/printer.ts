import { formatAttrPath } from '../path/attr-path.js';
import type { Filter, Literal } from './ast.js';

/** Prints a filter in canonical RFC syntax; `parseFilter(printFilter(f))` gives back `f`. */
export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${formatAttrPath(filter.path)} ${filter.op} ${printLiteral(filter.value)}`;
    case 'present':
      return `${formatAttrPath(filter.path)} pr`;
    case 'and':
      return `${group(filter.left, 'and', 'left')} and ${group(filter.right, 'and', 'right')}`;
    case 'or':
      return `${group(filter.left, 'or', 'left')} or ${group(filter.right, 'or', 'right')}`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${formatAttrPath(filter.path)}[${printFilter(filter.filter)}]`;
  }
}

function printLiteral(value: Literal): string {
  return JSON.stringify(value);
}

/** Parenthesises a child where precedence or the parser's left-nesting requires it. */
function group(child: Filter, parent: 'and' | 'or', side: 'left' | 'right'): string {
  const text = printFilter(child);
  const looser = child.kind === 'or' && parent === 'and';
  const rightNested = side === 'right' && (child.kind === 'and' || child.kind === 'or');
  return looser || rightNested ? `(${text})` : text;
}
