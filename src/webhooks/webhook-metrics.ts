import { Counter, Gauge } from 'prom-client';
import { processRegistry } from '../http/metrics.js';
import type { DeliveryOutcome, WebhookStore } from '../store/webhook-store.js';

const deliveries = new Counter({
  name: 'scimd_webhook_deliveries_total',
  help: 'Webhook delivery attempts made by this process, by outcome (delivered, failed, dead)',
  labelNames: ['outcome'],
  registers: [processRegistry],
});

/** The stores whose backlog the gauges report: one per running dispatcher (usually one). */
const stores = new Set<WebhookStore>();

async function backlog(): Promise<{ pending: number; paused: number }> {
  let pending = 0;
  let paused = 0;
  for (const store of stores) {
    const figures = await store.backlog().catch(() => ({ pending: 0, paused: 0 }));
    pending += figures.pending;
    paused += figures.paused;
  }
  return { pending, paused };
}

new Gauge({
  name: 'scimd_webhook_pending_events',
  help: 'Events not yet delivered (or skipped by a filter) over every enabled, unpaused webhook stream',
  registers: [processRegistry],
  async collect() {
    this.set((await backlog()).pending);
  },
});

new Gauge({
  name: 'scimd_webhook_paused_streams',
  help: 'Webhook streams paused after their retry window ran out (dead letters waiting for a replay)',
  registers: [processRegistry],
  async collect() {
    this.set((await backlog()).paused);
  },
});

export function countDelivery(outcome: DeliveryOutcome): void {
  deliveries.inc({ outcome });
}

/** Reports this store's backlog on /metrics while its dispatcher runs. */
export function watchBacklog(store: WebhookStore): () => void {
  stores.add(store);
  return () => stores.delete(store);
}
