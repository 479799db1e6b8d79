import { CheckFailure } from '../check-failure.js';
import type { Check } from '../check-types.js';
import { withGroups } from './group-checks.js';

/** Entra's deadline for any answer (idp-behaviour §1.3 item 14). */
export const ENTRA_TIMEOUT_MS = 60_000;
/** Okta's SPEC test asserts GET /Groups answers within 600 ms (idp-behaviour §2.2 step 10). */
export const OKTA_GROUPS_MS = 600;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const latencyChecks: Check[] = [
  {
    id: 'latency.okta-groups',
    title: `GET /Groups answers within Okta's ${OKTA_GROUPS_MS} ms`,
    area: 'latency',
    profiles: ['okta'],
    authority: 'Okta SPEC test step 10 "response time < 600 ms" (idp-behaviour §2.2)',
    sends: 'GET /Groups three times',
    expects: `a median under ${OKTA_GROUPS_MS} ms`,
    skipUnless: withGroups,
    async run(context) {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await context.send('GET', '/Groups', { query: { count: 100 } }));
      const median = percentile(answers.map((a) => a.ms), 50);
      if (median >= OKTA_GROUPS_MS) throw new CheckFailure(`median ${median} ms is over Okta's ${OKTA_GROUPS_MS} ms`, [answers.sort((a, b) => b.ms - a.ms)[0]]);
      return { note: `median ${median} ms` };
    },
  },
  {
    id: 'latency.entra-deadline',
    title: `Every answer of this run came within Entra's ${ENTRA_TIMEOUT_MS / 1000} s`,
    area: 'latency',
    profiles: ['entra', 'rfc'],
    authority: 'Entra: "responses within 60 seconds" (idp-behaviour §1.3 item 14, QA-1151866)',
    sends: 'nothing new: it reads the times of every request the run made so far',
    expects: `no answer slower than ${ENTRA_TIMEOUT_MS / 1000} s; the report shows p50, p95 and the slowest call`,
    async run(context) {
      const timings = context.http.timings;
      if (timings.length === 0) return { note: 'no requests timed' };
      const ms = timings.map((t) => t.ms);
      const slowest = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
      const note = `${timings.length} requests: p50 ${percentile(ms, 50)} ms, p95 ${percentile(ms, 95)} ms, slowest ${slowest.ms} ms (${slowest.call})`;
      if (slowest.ms > ENTRA_TIMEOUT_MS) throw new CheckFailure(`${note}: over Entra's deadline`);
      return { note };
    },
  },
];
