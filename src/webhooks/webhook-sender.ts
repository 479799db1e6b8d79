/** What one POST to a receiver came to. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** Why there was no HTTP answer (timeout, connection refused), or why a 3xx was not followed. */
  error: string | null;
  /** The start of the receiver's answer, for the delivery log. */
  responseExcerpt: string | null;
}

/** Bytes of a receiver's answer kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 512;

/**
 * POSTs one delivery. Only a 2xx answer within the timeout counts; redirects are not followed
 * (a receiver that moved must be updated, and following them would let a URL reach other hosts);
 * only the first bytes of the answer are read.
 */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<SendResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    const redirected = response.status >= 300 && response.status < 400;
    return {
      ok,
      statusCode: response.status,
      durationMs: elapsed(),
      error: redirected ? `redirect to ${response.headers.get('location') ?? '(no location)'} not followed` : null,
      responseExcerpt: excerpt,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { ok: false, statusCode: null, durationMs: elapsed(), error: reason, responseExcerpt: null };
  }
}

async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
  return text === '' ? null : text;
}
