import { randomId } from '../auth/secret-format.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import type { SendResult } from './webhook-sender.js';

/** Which event went to which webhook (or notification recipient), and on which try. */
export type DeliveryAttempt = Pick<DeliveryRecord, 'webhookId' | 'directoryId' | 'eventId' | 'eventType' | 'sequence' | 'attempt' | 'kind'>;

/** The delivery log's record of one attempt: what was sent, when, and what the receiver answered. */
export function deliveryRecord(attempt: DeliveryAttempt, result: SendResult, at: Date): DeliveryRecord {
  return {
    id: randomId('dlv'),
    ...attempt,
    at: at.toISOString(),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    outcome: result.ok ? 'delivered' : 'failed',
  };
}
