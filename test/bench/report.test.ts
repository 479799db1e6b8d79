import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationResult } from '../../bench/load.js';
import { bestPeer, goalRows, workloadTables, type TargetResult } from '../../bench/report.js';
import { Turns } from '../../bench/turns.js';

function op(name: string, perSecond: number, errors = 0, extra: Partial<OperationResult> = {}): OperationResult {
  return { name, connections: 8, requests: 1000, errors, seconds: 1, perSecond, mean: 1, p50: 1, p90: 1, p99: 2, max: 3, ...extra };
}
const target = (name: string, label: string, operations: OperationResult[]): TargetResult => ({ name, label, operations });

describe('bench report: best peer and issue 8 goals', () => {
  const run = [
    target('ceiling', 'bare node:http', [op('GET user by id', 20_000), op('PATCH user', 10_000), op('list deep page (cursor)', 5000)]),
    target('sqlite', 'SQLite', [op('GET user by id', 13_000), op('PATCH user', 800), op('list deep page (cursor)', 400)]),
    target('jackson', 'Jackson', [op('GET user by id', 2400), op('PATCH user', 3000, 12), op('list deep page (cursor)', 0, 0, { unsupported: 'no cursor pagination' })]),
    target('scimmy', 'SCIMMY', [op('GET user by id', 900), op('PATCH user', 100), op('list deep page (cursor)', 0, 0, { unsupported: 'no cursor pagination' })]),
  ];

  it('a peer with any wrong answer is never the best peer, however fast', () => {
    assert.deepEqual(bestPeer(run, 'PATCH user'), { label: 'SCIMMY', perSecond: 100 });
    assert.deepEqual(bestPeer(run, 'GET user by id'), { label: 'Jackson', perSecond: 2400 });
    assert.equal(bestPeer(run, 'list deep page (cursor)'), undefined);
  });

  it('the goal is the smaller of 5× the best correct peer and 60% of the ceiling', () => {
    const goals = new Map(goalRows(run).map((g) => [g.operation, g]));
    // min(5 × 2400, 0.6 × 20000) = 12000; SQLite's 13000 meets it.
    assert.equal(goals.get('GET user by id')?.goal, 12_000);
    assert.equal(goals.get('GET user by id')?.met, true);
    // min(5 × 100, 0.6 × 10000) = 500 (Jackson's 3000 had errors); 800 meets it.
    assert.equal(goals.get('PATCH user')?.goal, 500);
    assert.equal(goals.get('PATCH user')?.met, true);
    // No correct peer: judged on the ceiling alone, 0.6 × 5000 = 3000; 400 misses it.
    assert.equal(goals.get('list deep page (cursor)')?.goal, 3000);
    assert.equal(goals.get('list deep page (cursor)')?.met, false);
  });

  it('scimd with errors misses the goal whatever its speed, and the tables say why', () => {
    const wrong = run.map((t) => (t.name === 'sqlite' ? { ...t, operations: [op('GET user by id', 50_000, 3, { firstError: 'GET /Users/x: wrong user' })] } : t));
    const [row] = goalRows(wrong);
    assert.equal(row.met, false);
    assert.equal(row.why, '3 errors');
    const markdown = workloadTables(wrong);
    assert.match(markdown, /\| GET user by id \| 8 \| 20,000 \| 50,000 ✗ \|/);
    assert.match(markdown, /SQLite, GET user by id: 3 of 1000 wrong — GET \/Users\/x: wrong user/);
  });

  it('names the best peer without its version but with its storage, so variants of one peer stay apart', () => {
    const variants = [
      target('postgres', 'PostgreSQL', [op('GET user by id', 4000)]),
      target('jackson', 'Jackson 26.2.0', [op('GET user by id', 7000, 1)]),
      target('jackson-postgres', 'Jackson 26.2.0 on PostgreSQL', [op('GET user by id', 3000)]),
    ];
    assert.match(workloadTables(variants), /\| GET user by id \| 8 \| 4,000 \| 7,000 ✗ \| 3,000 \| Jackson on PostgreSQL 3,000 \| 1\.3× \|/);
  });

  it('beside the best peer, names the best durable one (a write on disk before the answer) and scimd\'s ratio to it', () => {
    const durable = (t: TargetResult): TargetResult => ({ ...t, durable: true });
    const mixed = [
      target('postgres', 'PostgreSQL', [op('PUT user', 800)]),
      { ...target('jackson', 'Jackson 26.2.0', [op('PUT user', 3600)]), durable: false },
      durable(target('jackson-postgres', 'Jackson 26.2.0 on PostgreSQL', [op('PUT user', 400)])),
      durable(target('better-auth', 'better-auth 1.7.5', [op('PUT user', 100)])),
    ];
    assert.deepEqual(bestPeer(mixed, 'PUT user'), { label: 'Jackson 26.2.0', perSecond: 3600 });
    assert.deepEqual(bestPeer(mixed, 'PUT user', true), { label: 'Jackson 26.2.0 on PostgreSQL', perSecond: 400 });
    const markdown = workloadTables(mixed);
    assert.match(markdown, /\| best peer \| PostgreSQL ÷ best peer \| best durable peer \| PostgreSQL ÷ best durable peer \|/);
    assert.match(markdown, /\| Jackson 3,600 \| 0\.2× \| Jackson on PostgreSQL 400 \| 2\.0× \|/);
    // Without an in-memory peer the two would say the same: no second pair of columns.
    assert.doesNotMatch(workloadTables(mixed.filter((t) => t.name !== 'jackson')), /best durable peer/);
  });

  it('shows each server\'s CPU per request and the ceiling\'s as a share of scimd\'s, marking wrong answers', () => {
    const measured = [
      target('ceiling', 'bare node:http', [op('GET user by id', 40_000, 0, { serverCpuUs: 12 }), op('PUT user', 20_000, 0, { serverCpuUs: 20 })]),
      target('sqlite', 'SQLite', [op('GET user by id', 6000, 0, { serverCpuUs: 120 }), op('PUT user', 1000, 0, { serverCpuUs: 400 })]),
      target('jackson', 'Jackson 26.2.0', [op('GET user by id', 6000, 2, { serverCpuUs: 90 }), op('PUT user', 2000)]),
    ];
    const markdown = workloadTables(measured);
    assert.match(markdown, /### Server CPU per request, µs/);
    assert.match(markdown, /\| operation \| bare node:http \| SQLite \| Jackson 26\.2\.0 \| SQLite: ceiling's CPU as a share \|/);
    assert.match(markdown, /\| GET user by id \| 12 \| 120 \| 90 ✗ \| 10% \|/);
    assert.match(markdown, /\| PUT user \| 20 \| 400 \| – \| 5% \|/);
    // Without measurements (an older results file) there is no such table.
    assert.doesNotMatch(workloadTables(run), /Server CPU per request/);
  });
});

describe('bench turns', () => {
  it('hands the turn round in a fixed rotation, one step each', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const runner = async (name: string, steps: number) => {
      await turns.take();
      try {
        for (let i = 0; i < steps; i++) {
          order.push(`${name}${i}`);
          await turns.pass();
        }
      } finally {
        turns.give();
      }
    };
    await Promise.all([runner('a', 3), runner('b', 2), runner('c', 3)]);
    assert.deepEqual(order, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'c2']);
  });
});
