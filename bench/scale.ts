import type { Backend } from './scimd-server.js';
import type { BenchOptions } from './options.js';

export interface ScaleResult {
  backend: Backend;
  label: string;
}

export async function runScale(backend: Backend, label: string, _options: BenchOptions, _log: (line: string) => void): Promise<ScaleResult> {
  return { backend, label };
}

export function scaleTable(_results: ScaleResult[]): string {
  return '';
}
