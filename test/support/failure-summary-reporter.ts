// A node:test reporter that prints every failed test again at the very end of the run, with its
// file, line and error. CI keeps only the tail of a long log, so a failure in the middle of
// 2,000 TAP lines would otherwise be reported without its name.
import type { TestEvent } from 'node:test/reporters';

interface Failure {
  name: string;
  location: string;
  message: string;
}

export default async function* failureSummary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const failures: Failure[] = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const data = event.data as {
      name: string;
      nesting: number;
      file?: string;
      line?: number;
      details: { error?: unknown; type?: string };
    };
    // A suite whose tests failed, or a test cancelled because its suite failed, only repeats
    // another failure; a suite whose own hook failed is the failure and is kept.
    const failureType = (data.details.error as { failureType?: string } | undefined)?.failureType;
    if (failureType === 'subtestsFailed' || failureType === 'cancelledByParent') continue;
    const location = `${data.file ?? '?'}:${data.line ?? '?'}`;
    failures.push({ name: data.name, location, message: describe(data.details.error) });
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failure${failures.length === 1 ? '' : 's'} (tests, or suites whose own hooks failed):\n`;
  for (const failure of failures) {
    yield `# ✖ ${failure.name}\n#   at ${failure.location}\n`;
    const ownLines = failure.message.split('\n').filter((line) => !/\(node:|at node:/.test(line));
    for (const line of ownLines.slice(0, 30)) yield `#   ${line}\n`;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // node:test wraps the thrown error; the cause is what the test threw.
  const thrown = error.cause instanceof Error ? error.cause : error;
  return thrown.stack ?? thrown.message;
}
