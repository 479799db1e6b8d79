import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressReporter } from './progress-reporter.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, write: (text: string) => chunks.push(text) } as unknown as NodeJS.WriteStream };
}

describe('progress output', () => {
  it('writes JSON lines when not on a terminal: one per phase change and at the end of a phase', () => {
    const { chunks, out } = stream(false);
    const reporter = new ProgressReporter(out);
    reporter.update({ phase: 'users', done: 0, total: 3, requests: 0, elapsedMs: 1 });
    reporter.update({ phase: 'users', done: 1, total: 3, requests: 1, elapsedMs: 2 });
    reporter.update({ phase: 'users', done: 3, total: 3, requests: 3, elapsedMs: 3 });
    reporter.update({ phase: 'groups', done: 0, total: 1, requests: 3, elapsedMs: 4 });
    assert.deepEqual(chunks.map((c) => JSON.parse(c)), [
      { progress: 'users', done: 0, total: 3, requests: 0, elapsedMs: 1 },
      { progress: 'users', done: 3, total: 3, requests: 3, elapsedMs: 3 },
      { progress: 'groups', done: 0, total: 1, requests: 3, elapsedMs: 4 },
    ]);
  });

  it('redraws one line with a bar on a terminal, and clears it at the end', () => {
    const { chunks, out } = stream(true);
    const reporter = new ProgressReporter(out);
    reporter.update({ phase: 'users (new)', done: 0, total: 4, requests: 0, elapsedMs: 0 });
    reporter.update({ phase: 'users (new)', done: 4, total: 4, requests: 4, elapsedMs: 1000 });
    reporter.finish();
    assert.match(chunks[1], /^\r\x1b\[2Kusers \(new\) +\[#{24}\] 4\/4  4 requests  ~4\/s$/);
    assert.equal(chunks.at(-1), '\r\x1b[2K');
  });
});
