/**
 * `scimd sync log … | head`: once the reader has gone, further writes fail with EPIPE. That is
 * the reader's choice, not an error: stop quietly with success, as Unix tools do, instead of
 * crashing with an unhandled 'error' event and a stack trace.
 */
export function exitQuietlyWhenOutputCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
