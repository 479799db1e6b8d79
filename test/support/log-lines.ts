/** A parsed line of scimd's JSON log. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/**
 * The JSON log lines in what `scimd serve` wrote to stdout. The one plain-text line it also
 * writes there ("scimd serving …") is skipped; any other line that is not JSON is an error.
 */
export function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('scimd serving '))
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`a log line is not JSON: ${line}`);
      }
    });
}

/** The request lines (one per request) in a log. */
export function requestLines(stdout: string): LogLine[] {
  return logLines(stdout).filter((line) => line.msg === 'request' || line.msg === 'request failed');
}
