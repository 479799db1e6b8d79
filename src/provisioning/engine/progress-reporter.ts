import type { ProgressEvent } from './run-cycle.js';

/**
 * Shows a cycle's progress: one line rewritten in place when the output is a terminal (phase,
 * count, rate, requests), JSON lines at most once a second (and at each phase change) when it
 * is not, so logs and pipes get something they can parse.
 */
export class ProgressReporter {
  private lastPhase = '';
  private lastWrite = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(event: ProgressEvent): void {
    const now = Date.now();
    const phaseChanged = event.phase !== this.lastPhase;
    if (this.out.isTTY) {
      if (!phaseChanged && now - this.lastWrite < 100 && event.done < event.total) return;
      const rate = event.elapsedMs > 0 ? Math.round((event.done * 1000) / Math.max(event.elapsedMs, 1)) : 0;
      const width = 24;
      const filled = event.total ? Math.round((event.done / event.total) * width) : width;
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const line = `${event.phase.padEnd(18)} ${bar} ${event.done.toLocaleString('en-US')}/${event.total.toLocaleString('en-US')}  ${event.requests.toLocaleString('en-US')} requests${phaseChanged ? '' : `  ~${rate.toLocaleString('en-US')}/s`}`;
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      if (!phaseChanged && now - this.lastWrite < 1000 && event.done < event.total) return;
      this.out.write(`${JSON.stringify({ progress: event.phase, done: event.done, total: event.total, requests: event.requests, elapsedMs: event.elapsedMs })}\n`);
    }
    this.lastPhase = event.phase;
    this.lastWrite = now;
  }

  /** Ends the in-place line so what follows starts on a new one. */
  finish(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
  }
}
