import { execFile } from 'node:child_process';
import { CLI } from './scimd-process.js';

/** What one run of the CLI printed, and how it ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/src/cli/main.js …args` to completion, without throwing on a non-zero exit.
 * SCIMD_* variables of the calling shell are left out so a developer's setup cannot leak in.
 */
export function runScimd(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCIMD_')));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...inherited, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** Runs a `--json` command that must succeed, and parses its stdout as one JSON document. */
export async function scimdJson<T = any>(args: string[]): Promise<T> {
  const result = await runScimd([...args, '--json']);
  if (result.code !== 0) throw new Error(`scimd ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
