import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { OutboundRefusedError } from '../outbound/address-policy.js';
import { guardedConnector } from '../outbound/guarded-connector.js';

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

/** One keep-alive pool per receiver origin, every connection checked against the outbound address policy. */
let agent: Agent | undefined;
function webhookAgent(): Agent {
  agent ??= new Agent({ connections: 8, connect: guardedConnector({ connectTimeoutMs: 10_000 }) });
  return agent;
}

/**
 * POSTs one delivery. Only a 2xx answer within the timeout counts; redirects are not followed
 * (a receiver that moved must be updated, and following them would let a URL reach other hosts);
 * only the first bytes of the answer are read, then the answer is dropped.
 */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<SendResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      dispatcher: webhookAgent(),
      method: 'POST',
      headers,
      body,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const excerpt = await readExcerpt(response.body);
    const status = response.statusCode;
    const redirected = status >= 300 && status < 400;
    const location = response.headers.location;
    return {
      ok: status >= 200 && status < 300,
      statusCode: status,
      durationMs: elapsed(),
      error: redirected ? `redirect to ${(Array.isArray(location) ? location[0] : location) ?? '(no location)'} not followed` : null,
      responseExcerpt: excerpt,
    };
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : error instanceof OutboundRefusedError ? `not sent: ${error.message} (outbound address policy)` : ((error as { code?: string }).code ?? (error as Error).message);
    return { ok: false, statusCode: null, durationMs: elapsed(), error: reason, responseExcerpt: null };
  }
}

/** The first RESPONSE_EXCERPT_BYTES of an answer; the rest is never read (the stream is destroyed). */
async function readExcerpt(body: Readable): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } catch {
    // A receiver that drops the connection mid-answer still answered with its status.
  } finally {
    body.destroy();
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
  return text === '' ? null : text;
}
