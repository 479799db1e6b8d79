import type { Readable } from 'node:stream';

/** An answer longer than `--outbound-max-response-bytes`: the request was aborted, nothing of it kept. */
export class ResponseTooLargeError extends Error {
  readonly code = 'ERESPONSETOOLARGE';
  constructor(readonly label: string, readonly limit: number) {
    super(`${label}: the answer is larger than ${describeBytes(limit)} (--outbound-max-response-bytes); the request was aborted`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Reads a body chunk by chunk and stops (destroying the stream, which aborts the request) as
 * soon as it passes `limit`, so a hostile or broken peer can make a request fail but never
 * fill the memory. A Content-Length above the limit fails before the first byte is read.
 */
export async function readCapped(body: Readable, limit: number, label: string, declaredLength?: string | string[]): Promise<Buffer> {
  const declared = Number(Array.isArray(declaredLength) ? declaredLength[0] : declaredLength);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw new ResponseTooLargeError(label, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new ResponseTooLargeError(label, limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
