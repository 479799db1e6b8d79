/** Latency samples of one operation, in milliseconds, summarised as percentiles. */
export class LatencyRecorder {
  private samples: Float64Array;
  private size = 0;

  constructor(expected = 1024) {
    this.samples = new Float64Array(Math.max(expected, 16));
  }

  get count(): number {
    return this.size;
  }

  add(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      mean: round(sorted.length ? sum / sorted.length : 0),
      p50: round(at(50)),
      p90: round(at(90)),
      p99: round(at(99)),
      max: round(sorted.length ? sorted[sorted.length - 1] : 0),
    };
  }
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Three significant decimals are plenty for milliseconds measured over loopback. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
