import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServerProcess, type ScimdProcess } from './scimd-process.js';

/** Debian's system-call tracer; CI installs it (.ci/run). */
export const STRACE = '/usr/bin/strace';

/**
 * One system call as strace saw it. `start` and `end` are positions in the trace: strace reports
 * the entry and the exit of every traced call in one total order (a traced thread stays stopped at
 * each event until strace has printed it), so "ended before the other began" is `a.end < b.start`.
 */
export interface TracedCall {
  pid: number;
  name: string;
  fd: number | undefined;
  /** What `-yy` printed for the first argument: a file path, or `TCP:[local->remote]`. */
  target: string;
  /** The bytes of the call's buffer arguments (all iovecs of a writev), decoded. */
  data: Buffer;
  /** pwrite64's file offset. */
  offset: number | undefined;
  result: number;
  start: number;
  end: number;
  /** Wall-clock microseconds since midnight at entry, and the call's duration (`-T`). */
  startMicros: number;
  durationMicros: number;
}

/** The options that make a trace this module can read; `syscalls` as for `-e trace=`. */
export function straceArguments(outputFile: string, syscalls: string[]): string[] {
  return ['-f', '--seccomp-bpf', '-tt', '-T', '-yy', '-x', '-s', '65536', '-e', `trace=${syscalls.join(',')}`, '-o', outputFile];
}

/**
 * Fails loudly (never skips) when strace is missing or the kernel refuses ptrace here: a durability
 * test that cannot see the system calls must not pass.
 */
export function assertStraceWorks(): void {
  const run = spawnSync(STRACE, ['-f', '-o', '/dev/null', '/bin/true'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`strace cannot trace here (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr ?? ''}\n` + 'install strace (apt-get install strace) and allow ptrace (e.g. kernel.yama.ptrace_scope, container seccomp profile)');
  }
}

// strace pads the pid to five columns: one space after a five-digit pid, more after a shorter one.
const LINE = /^(\d+) +(\d\d):(\d\d):(\d\d)\.(\d{6}) (.*)$/;
const UNFINISHED = ' <unfinished ...>';
const RESUMED = /^<\.\.\. (\w+) resumed>(.*)$/;
const CALL = /^(\w+)\((.*)\) += (-?\d+)(?: [A-Z]\w*(?: \([^)]*\))?)? <(\d+)\.(\d{6})>$/;

/** Reads a trace written with `straceArguments`. */
export function parseStrace(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  const open = new Map<number, { text: string; start: number; startMicros: number }>();
  text.split('\n').forEach((line, position) => {
    const match = LINE.exec(line);
    if (!match) return;
    const pid = Number(match[1]);
    const micros = ((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4])) * 1e6 + Number(match[5]);
    let body = match[6];
    let start = position;
    let startMicros = micros;
    if (body.endsWith(UNFINISHED)) {
      open.set(pid, { text: body.slice(0, -UNFINISHED.length), start: position, startMicros: micros });
      return;
    }
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const begun = open.get(pid);
      if (!begun) return;
      open.delete(pid);
      body = begun.text + resumed[2];
      start = begun.start;
      startMicros = begun.startMicros;
    }
    const call = CALL.exec(body);
    if (!call) return; // signals, exits, and calls strace could not finish (the process died)
    const args = call[2];
    const fd = /^(\d+)<(.*?)>(?=, |$)/.exec(args);
    const strings = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => decodeStraceString(m[1]));
    calls.push({
      pid,
      name: call[1],
      fd: fd ? Number(fd[1]) : undefined,
      target: fd?.[2] ?? '',
      data: Buffer.concat(strings),
      offset: call[1] === 'pwrite64' ? Number(/, (\d+)$/.exec(args)?.[1]) : undefined,
      result: Number(call[3]),
      start,
      end: position,
      startMicros,
      durationMicros: Number(call[4]) * 1e6 + Number(call[5]),
    });
  });
  return calls;
}

/** strace's quoting: printable characters as they are, C escapes, `\xHH` (with -x) and octal. */
function decodeStraceString(quoted: string): Buffer {
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '"': 34, '\\': 92 };
  for (let i = 0; i < quoted.length; i++) {
    const c = quoted[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'latin1'));
      continue;
    }
    const next = quoted[i + 1];
    if (next === 'x') {
      bytes.push(parseInt(quoted.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(quoted.slice(i + 1))![0];
      bytes.push(parseInt(octal, 8));
      i += octal.length;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

/** A server process running under strace, and how to stop it and read what it did. */
export interface TracedServer {
  server: ScimdProcess;
  /** SIGTERMs the server (not strace), waits for both to exit and returns the parsed trace. */
  stop(): Promise<TracedCall[]>;
}

/**
 * Starts a Node server script under strace (`argv` as for startServerProcess, e.g. the scimd CLI
 * and `serve`), tracing `syscalls` into `traceFile`.
 */
export async function startTracedServer(argv: string[], env: NodeJS.ProcessEnv, traceFile: string, syscalls: string[]): Promise<TracedServer> {
  const server = await startServerProcess(argv, env, [STRACE, ...straceArguments(traceFile, syscalls)]);
  const stracePid = server.child.pid!;
  const scimdPid = Number(readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/)[0]);
  if (!scimdPid) throw new Error('strace started no process');
  return {
    server,
    async stop() {
      const exited = new Promise((resolve) => (server.child.exitCode !== null ? resolve(undefined) : server.child.once('exit', resolve)));
      process.kill(scimdPid, 'SIGTERM');
      await exited;
      return parseStrace(readFileSync(traceFile, 'utf8'));
    },
  };
}
