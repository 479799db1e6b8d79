/**
 * What is wrong with a body that does not parse as JSON, as the one sentence an error names: where
 * the syntax breaks (position, line, column). JSON.parse's own message is not repeated since it
 * quotes the body, which may hold a secret. Undefined when the text does parse.
 */
export function jsonSyntaxDetail(body: string): string | undefined {
  const whole = parseProblem(body);
  if (whole === 'none') return undefined;
  if (whole === 'ends early') return `The body is not valid JSON: it ends too early, at ${where(body, body.length)}`;
  return `The body is not valid JSON: the syntax breaks at ${where(body, breakPosition(body))}`;
}

type Problem = 'none' | 'ends early' | 'broken';

/** Whether text parses, would parse if more followed, or is broken already. */
function parseProblem(text: string): Problem {
  try {
    JSON.parse(text);
    return 'none';
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/end of JSON input/i.test(message)) return 'ends early';
    const at = /at position (\d+)/.exec(message);
    return at && Number(at[1]) >= text.length ? 'ends early' : 'broken';
  }
}

/**
 * The index of the first character that breaks the JSON. Node does not always say (an unexpected
 * token has no position), so the shortest broken prefix is found by bisection: a prefix before
 * the break only ends early, one that reaches it is broken.
 */
function breakPosition(body: string): number {
  let low = 0;
  let high = body.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (parseProblem(body.slice(0, middle + 1)) === 'broken') high = middle;
    else low = middle + 1;
  }
  return low;
}

function where(text: string, position: number): string {
  const lines = text.slice(0, position).split('\n');
  return `position ${position} (line ${lines.length}, column ${lines[lines.length - 1]!.length + 1})`;
}
