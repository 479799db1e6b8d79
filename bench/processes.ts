import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server the bench started as a child process, and what it printed. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** The line that said the server is ready, matched by the pattern given at start. */
  ready: RegExpExecArray;
  /** Milliseconds from spawn to that line. */
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `node <args>` and waits (at most `timeoutMs`) for a line of its stdout to match `ready`.
 * Its stderr is kept and shown if it fails to start or dies early.
 */
export async function startServer(args: string[], ready: RegExp, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`no ready line within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')}: ${error.message}\n${stderr}`));
    };
    // Only the output up to the ready line is read: a server that logs every request must not
    // make the bench hold (and rescan) all it prints.
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`exited with ${code} before it was ready`)));
  });
  child.stdout!.resume();
  const startupMs = performance.now() - started;
  return {
    child,
    pid: child.pid!,
    ready: match,
    startupMs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `node <args>` to completion and returns its stdout; throws with stderr on failure. */
export function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} failed (${code ?? signal}):\n${stderr || stdout}`));
    });
  });
}

/** Resident and peak resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used so far (user and system, all its threads), in ms, from
 * /proc/<pid>/stat (Linux, 100 ticks a second); undefined when the process cannot be read.
 */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
