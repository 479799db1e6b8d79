import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Loading, Page } from '../components/page';
import { When, WithDates } from '../components/when';
import { absolute, plural, relative } from '../format';
import { href } from '../router';
import type { Connection, Cycle, CycleResult, LogEntry, SourceView, TestReport } from '../types';
import { useLoad } from '../use-load';

const yesNo = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : 'unknown');
/** Quarantined, running on its schedule, or off (cycles only when asked): "running" only when a schedule is on. */
function ScheduleBadge({ connection: c }: { connection: Connection }) {
  if (c.quarantine) return <span class="badge state-revoked" data-testid="connection-badge">quarantined ({c.quarantine.reason})</span>;
  const schedule = c.settings.schedule ?? 'off';
  if (schedule === 'off' || schedule === 'manual') return <span class="badge state-expired" data-testid="connection-badge">schedule off</span>;
  return <span class="badge state-active" data-testid="connection-badge">running ({schedule === 'continuous' ? 'continuous' : `every ${schedule}`})</span>;
}

const base = (id: string) => `/connections/${encodeURIComponent(id)}`;

/** Every outbound provisioning connection with its state. */
export function ConnectionList() {
  const list = useLoad(() => api<{ connections: Connection[] }>('GET', '/connections'), []);
  return (
    <Page title="Provisioning">
      {list.data ? (
        list.data.connections.length ? (
          <ul class="directory-list">
            {list.data.connections.map((c) => (
              <li key={c.id} class={`directory-card${c.quarantine || c.lastCycle?.status === 'failed' || c.lastCycle?.status === 'stopped' ? ' attention' : ''}`}>
                <div class="card-head">
                  <h2>
                    <a href={href('connections', c.id)}>{c.name}</a>
                  </h2>
                  <ScheduleBadge connection={c} />
                </div>
                <p class="card-summary">
                  {sourceText(c.source)} → <code>{c.target}</code>
                </p>
                <p class="muted">
                  {c.lastCycle ? (
                    <>
                      Last cycle <When iso={c.lastCycle.startedAt} />: {c.lastCycle.status}
                      {c.lastCycle.summary ? `, ${counts(c.lastCycle.summary)}` : ''}
                    </>
                  ) : (
                    'No cycle yet'
                  )}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>No connections yet.</p>
        )
      ) : (
        <Loading what="connections" />
      )}
      <CreateConnection />
    </Page>
  );
}

function CreateConnection() {
  const [fields, setFields] = useState({ name: '', source: '', target: '', secret: '', schedule: 'off', membersPerRequest: '100' });
  const [mappings, setMappings] = useState('');
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof fields) => (e: Event) => setFields({ ...fields, [key]: (e.target as HTMLInputElement).value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      let parsed: unknown;
      try {
        parsed = mappings.trim() ? JSON.parse(mappings) : undefined;
      } catch {
        throw new ApiError(400, 'The mappings are not valid JSON', null);
      }
      const body = parsed === undefined ? fields : { ...fields, mappings: parsed };
      const created = await api<{ connection: Connection }>('POST', '/connections', { body, quiet: true });
      location.hash = href('connections', created.connection.id);
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <form class="card" onSubmit={submit}>
      <h2>New connection</h2>
      <label for="conn-name">Name</label>
      <input id="conn-name" required value={fields.name} onInput={set('name')} placeholder="hr-to-slack" />
      <label for="conn-source">Source</label>
      <input id="conn-source" required value={fields.source} onInput={set('source')} placeholder="directory:hr, file:users.csv, ldap://host/dc=example,dc=com" />
      <label for="conn-target">Target SCIM base URL</label>
      <input id="conn-target" required value={fields.target} onInput={set('target')} placeholder="https://app.example.com/scim/v2" />
      <label for="conn-secret">Target secret token</label>
      <input id="conn-secret" type="password" autocomplete="off" required value={fields.secret} onInput={set('secret')} />
      <label for="conn-schedule">Schedule</label>
      <input id="conn-schedule" value={fields.schedule} onInput={set('schedule')} placeholder="40min, 1h, continuous or off" />
      <label for="conn-members">Group members per request</label>
      <input id="conn-members" inputMode="numeric" value={fields.membersPerRequest} onInput={set('membersPerRequest')} placeholder="100" />
      <label for="conn-mappings">Mappings (JSON, optional)</label>
      <textarea id="conn-mappings" class="mono" rows={4} value={mappings} onInput={(e) => setMappings((e.target as HTMLTextAreaElement).value)} placeholder='{"users": [{"target": "userName", "source": "userName", "matching": 1}]}' />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="submit">Create connection</button>
      </div>
    </form>
  );
}

/** One connection: Test Connection, Update Credentials, run, dry run, cycles, logs, quarantine and circuit breaker. */
export function ConnectionPage({ id }: { id: string }) {
  const connection = useLoad(() => api<Connection>('GET', base(id)), [id]);
  const [test, setTest] = useState<TestReport | null>(null);
  const [result, setResult] = useState<CycleResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [logRound, setLogRound] = useState(0);
  const [logCycle, setLogCycle] = useState<string | null>(null);
  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    try {
      await work();
    } catch {
      // announced in the banner by api()
    } finally {
      setBusy(null);
      connection.reload();
      setLogRound((n) => n + 1);
    }
  };
  const c = connection.data;
  return (
    <Page title={c ? c.name : 'Connection'}>
      <p>
        <a href={href('connections')}>← All connections</a>
      </p>
      {!c ? (
        <Loading what="the connection" />
      ) : (
        <>
          <div class="card">
            <p>
              {sourceText(c.source)} → <code>{c.target}</code>
            </p>
            <dl class="facts">
              <div>
                <dt>Credential</dt>
                <dd>
                  {c.credential.kind}
                  {c.credential.expiresAt ? (
                    <>
                      , expires <When iso={c.credential.expiresAt} />
                    </>
                  ) : (
                    ''
                  )}
                </dd>
              </div>
              <div>
                <dt>Schedule</dt>
                <dd>{c.settings.schedule ?? 'off'}</dd>
              </div>
              <div>
                <dt>Managed</dt>
                <dd>{c.managed ? `${plural(c.managed.users, 'user')}, ${plural(c.managed.groups, 'group')}, ${c.managed.failing} failing` : '—'}</dd>
              </div>
              <div>
                <dt>Deletion threshold</dt>
                <dd>{c.settings.deletionThreshold}</dd>
              </div>
              <div>
                <dt>Group members per request</dt>
                <dd>
                  {c.settings.membersPerRequest ?? 100}
                  {c.targetProfile?.largestAcceptedBatch ? ` (target took ${c.targetProfile.largestAcceptedBatch}${c.targetProfile.refusedBatch ? `, refused ${c.targetProfile.refusedBatch}` : ''})` : ''}
                </dd>
              </div>
              <div data-testid="target-profile">
                <dt>Target groups</dt>
                <dd>
                  {c.targetProfile?.probedAt
                    ? `POST keeps members: ${yesNo(c.targetProfile.keepsMembersOnPost)}; GET shows members: ${yesNo(c.targetProfile.showsMembersOnGet)}${c.targetProfile.note ? `; ${c.targetProfile.note}` : ''}`
                    : 'not probed yet: Test Connection learns it'}
                </dd>
              </div>
              <div>
                <dt>Full reconcile</dt>
                <dd>
                  {c.settings.fullSyncEvery ? `every ${c.settings.fullSyncEvery}` : 'on demand'}
                  {c.targetProfile?.lastFullSyncAt ? (
                    <>
                      , last <When iso={c.targetProfile.lastFullSyncAt} />
                    </>
                  ) : (
                    ''
                  )}
                </dd>
              </div>
            </dl>
            {c.quarantine && (
              <div class="rotation pending" data-testid="quarantine">
                <strong>
                  Quarantined since <When iso={c.quarantine.since} /> ({c.quarantine.reason})
                </strong>
                <p>
                  <WithDates text={c.quarantine.detail} />
                </p>
                <button type="button" class="secondary small" onClick={() => act('clear', () => api('DELETE', `${base(id)}/quarantine`))}>
                  Clear quarantine
                </button>
              </div>
            )}
            {c.lastCycle?.status === 'stopped' || c.cycles?.[0]?.status === 'stopped' ? (
              <div class="rotation pending" data-testid="circuit-breaker">
                <strong>The deletion threshold stopped the last cycle</strong>
                <p>
                  <WithDates text={c.cycles?.[0]?.message ?? 'More deletions were planned than the threshold allows.'} /> Review the dry-run plan, then allow them once.
                </p>
                <button type="button" class="danger small" onClick={() => act('allow', () => api('POST', `${base(id)}/allow-deletions`))}>
                  Allow the deletions once
                </button>
              </div>
            ) : null}
            <div class="row actions-row">
              <button type="button" disabled={busy !== null} onClick={() => act('test', async () => setTest(await api<TestReport>('POST', `${base(id)}/test`)))}>
                {busy === 'test' ? 'Testing…' : 'Test Connection'}
              </button>
              <button type="button" class="secondary" disabled={busy !== null} onClick={() => act('dry', async () => setResult(await api<CycleResult>('POST', `${base(id)}/dry-run`, { body: {} })))}>
                {busy === 'dry' ? 'Planning…' : 'Dry run'}
              </button>
              <button type="button" class="secondary" disabled={busy !== null} onClick={() => act('run', async () => setResult(await api<CycleResult>('POST', `${base(id)}/run`, { body: {} })))}>
                {busy === 'run' ? 'Running…' : 'Run now'}
              </button>
            </div>
          </div>
          {test && <TestResult report={test} />}
          {result && <CycleResultView result={result} />}
          <UpdateCredentials id={id} onSaved={() => connection.reload()} />
          <Cycles id={id} round={logRound} onShowLog={setLogCycle} />
          <Logs id={id} round={logRound} cycle={logCycle} onAllCycles={() => setLogCycle(null)} />
        </>
      )}
    </Page>
  );
}

function TestResult({ report }: { report: TestReport }) {
  return (
    <div class="card" data-testid="test-result">
      <h2>Test Connection: {report.ok ? 'passed' : 'failed'}</h2>
      <ol class="steps">
        {report.steps.map((s, i) => (
          <li key={i} class={`step-${s.status}`} data-side={s.side}>
            <span class={`badge state-${s.status === 'ok' ? 'active' : s.status === 'failed' ? 'revoked' : 'expiring'}`}>{s.status}</span> <strong>{s.step}</strong>
            <p>{s.detail}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}

function CycleResultView({ result }: { result: CycleResult }) {
  return (
    <div class="card" data-testid="cycle-result">
      <h2>
        {result.cycle.dryRun ? 'Dry-run plan' : 'Cycle'}: {result.cycle.status}
      </h2>
      {result.summary && <p>{counts(result.summary)}</p>}
      {result.plan && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Planned steps</caption>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Type</th>
                <th scope="col">Object</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {result.plan.steps.map((s, i) => (
                <tr key={i} data-testid="plan-step">
                  <th scope="row">{s.action}</th>
                  <td>{s.type}</td>
                  <td>
                    {typeof s.attributes?.userName === 'string' ? s.attributes.userName : typeof s.attributes?.displayName === 'string' ? s.attributes.displayName : ''}{' '}
                    <span class="mono muted">{s.key}</span>
                  </td>
                  <td>{s.attributes ? Object.keys(s.attributes).join(', ') : s.changes ? s.changes.map((c) => c.path).join(', ') : s.members ? plural(s.members.length, 'member') : ''}</td>
                </tr>
              ))}
              {result.plan.failures.map((f, i) => (
                <tr key={`f${i}`}>
                  <th scope="row">{f.action} failed</th>
                  <td>{f.type}</td>
                  <td class="mono">{f.key}</td>
                  <td>{f.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function UpdateCredentials({ id, onSaved }: { id: string; onSaved: () => void }) {
  const [secret, setSecret] = useState('');
  const [expires, setExpires] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api('PUT', `${base(id)}/secret`, { body: { secret, ...(expires ? { secretExpires: expires } : {}) } });
      setSecret('');
      setMessage('Saved. Run Test Connection to check it.');
      onSaved();
    } catch {
      setMessage(null);
    }
  };
  return (
    <details class="card">
      <summary>Update Credentials</summary>
      <form onSubmit={submit}>
        <label for="cred-secret">New secret token</label>
        <input id="cred-secret" type="password" autocomplete="off" required value={secret} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />
        <label for="cred-expires">Expires (optional)</label>
        <input id="cred-expires" value={expires} onInput={(e) => setExpires((e.target as HTMLInputElement).value)} placeholder="2027-06-30 or 90d" />
        <div class="dialog-actions">
          <button type="submit">Save credentials</button>
        </div>
        {message && <p role="status">{message}</p>}
      </form>
    </details>
  );
}

function Cycles({ id, round, onShowLog }: { id: string; round: number; onShowLog: (cycle: string) => void }) {
  const cycles = useLoad(() => api<{ cycles: Cycle[] }>('GET', `${base(id)}/cycles?limit=20`), [id, round]);
  const list = cycles.data?.cycles ?? [];
  return (
    <div class="card">
      <h2>Cycles</h2>
      <CycleChart cycles={list} />
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Cycle history</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Counts</th>
              <th scope="col">
                <span class="visually-hidden">Log</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id}>
                <td>
                  <When iso={c.startedAt} />
                </td>
                <td>{c.dryRun ? 'dry run' : 'run'}</td>
                <td>{c.status}</td>
                <td>{c.summary ? counts(c.summary) : <WithDates text={c.message ?? ''} />}</td>
                <td>
                  <a href="#provisioning-log" onClick={(e) => (e.preventDefault(), onShowLog(c.id), document.getElementById('provisioning-log')?.scrollIntoView())}>
                    Log
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * Objects processed and failures per cycle, oldest on the left, on labelled axes (time across,
 * objects up). A cycle that changed nothing still gets a thin neutral bar, so it shows it ran.
 */
function CycleChart({ cycles }: { cycles: Cycle[] }) {
  const data = [...cycles].reverse().filter((c) => c.summary);
  if (!data.length) return null;
  const processed = (c: Cycle) => (c.summary ? c.summary.created + (c.summary.adopted ?? 0) + c.summary.updated + c.summary.disabled + c.summary.deleted : 0);
  const failedOf = (c: Cycle) => c.summary?.failed ?? 0;
  const max = Math.max(1, ...data.map((c) => processed(c) + failedOf(c)));
  const [left, top, width, height] = [48, 8, 600, 140];
  const bar = Math.max(2, Math.min(40, width / data.length - 4));
  const noop = 3;
  const y = (n: number) => top + height - (n / max) * height;
  const bottom = top + height;
  return (
    <figure class="timeline cycle-chart">
      <svg
        viewBox={`0 0 ${left + width + 8} ${bottom + 40}`}
        role="img"
        aria-label={`Objects processed and failures per cycle, oldest first: ${data.map((c) => `${processed(c)} processed, ${failedOf(c)} failed`).join('; ')}`}
      >
        <line class="axis" x1={left} x2={left} y1={top} y2={bottom} />
        <line class="axis" x1={left} x2={left + width} y1={bottom} y2={bottom} />
        {[0, max].map((n) => (
          <text key={n} class="axis-label tick" x={left - 6} y={y(n) + 4} text-anchor="end">
            {n}
          </text>
        ))}
        <text class="axis-label" data-testid="chart-y-label" transform={`translate(12 ${top + height / 2}) rotate(-90)`} text-anchor="middle">
          objects
        </text>
        {data.map((c, i) => {
          const x = left + 4 + i * (bar + 4);
          const done = processed(c);
          const failed = failedOf(c);
          const title = `${absolute(c.startedAt)}: ${done ? `${done} processed` : 'nothing changed'}, ${failed} failed`;
          if (!done && !failed) {
            return (
              <rect key={c.id} class="chart-noop" data-testid="cycle-bar" data-noop="true" x={x} y={bottom - noop} width={bar} height={noop}>
                <title>{title}</title>
              </rect>
            );
          }
          return (
            <g key={c.id} data-testid="cycle-bar">
              <title>{title}</title>
              <rect class="chart-ok" x={x} y={y(done + failed)} width={bar} height={bottom - y(done)} />
              <rect class="chart-failed" x={x} y={y(failed)} width={bar} height={bottom - y(failed)} />
            </g>
          );
        })}
        <text class="axis-label tick" x={left} y={bottom + 16}>
          <title>{absolute(data[0].startedAt)}</title>
          {relative(data[0].startedAt)}
        </text>
        <text class="axis-label tick" x={left + width} y={bottom + 16} text-anchor="end">
          <title>{absolute(data[data.length - 1].startedAt)}</title>
          {relative(data[data.length - 1].startedAt)}
        </text>
        <text class="axis-label" data-testid="chart-x-label" x={left + width / 2} y={bottom + 34} text-anchor="middle">
          time (cycles, oldest first)
        </text>
      </svg>
      <figcaption>
        <span class="legend ok-legend">■ processed</span> <span class="legend failed-legend">■ failed</span> <span class="legend noop-legend">▬ nothing changed</span> per cycle
      </figcaption>
    </figure>
  );
}

function Logs({ id, round, cycle, onAllCycles }: { id: string; round: number; cycle: string | null; onAllCycles: () => void }) {
  const [filters, setFilters] = useState({ object: '', action: '', result: '' });
  const [applied, setApplied] = useState(filters);
  const logs = useLoad(() => {
    const params = new URLSearchParams({ limit: '50' });
    for (const [key, value] of Object.entries(applied)) if (value) params.set(key, value);
    if (cycle) params.set('cycle', cycle);
    return api<{ entries: LogEntry[]; next?: number }>('GET', `${base(id)}/logs?${params}`);
  }, [id, round, cycle, applied.object, applied.action, applied.result]);
  return (
    <div class="card" id="provisioning-log">
      <h2>Provisioning log</h2>
      {cycle && (
        <p data-testid="log-cycle">
          Cycle <span class="mono">{cycle}</span> only.{' '}
          <button type="button" class="secondary small" onClick={onAllCycles}>
            Show every cycle
          </button>
        </p>
      )}
      <form
        class="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        <label class="visually-hidden" for="log-object">
          Object
        </label>
        <input id="log-object" placeholder="object key" value={filters.object} onInput={(e) => setFilters({ ...filters, object: (e.target as HTMLInputElement).value })} />
        <label class="visually-hidden" for="log-action">
          Action
        </label>
        <input id="log-action" placeholder="action (create, update…)" value={filters.action} onInput={(e) => setFilters({ ...filters, action: (e.target as HTMLInputElement).value })} />
        <label class="visually-hidden" for="log-result">
          Result
        </label>
        <select id="log-result" value={filters.result} onChange={(e) => setFilters({ ...filters, result: (e.target as HTMLSelectElement).value })}>
          <option value="">any result</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="planned">planned</option>
          <option value="skipped">skipped</option>
        </select>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Provisioning log entries</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Object</th>
              <th scope="col">Action</th>
              <th scope="col">Result</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {(logs.data?.entries ?? []).map((e, i) => (
              <tr key={e.seq ?? i} data-testid="log-entry">
                <td>
                  <When iso={e.at} />
                </td>
                <td>
                  {e.type} <span class="mono">{e.key}</span>
                  {e.origin && (
                    <div class="muted mono" data-testid="log-origin">
                      {e.origin}
                    </div>
                  )}
                </td>
                <th scope="row">{e.action}</th>
                <td>
                  {e.result}
                  {e.status ? ` (${e.status})` : ''}
                </td>
                <td>
                  {e.detail ?? ''}
                  <LogChanges changes={e.changes} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** What a log line changed, as `scimd sync log` prints it: one `path: from → to` a line, created attributes, or member keys. */
function LogChanges({ changes }: { changes: unknown }) {
  const lines = changeLines(changes);
  if (!lines.length) return null;
  return (
    <ul class="changes" data-testid="log-changes">
      {lines.map((line, i) => (
        <li key={i} class="mono">
          {line}
        </li>
      ))}
    </ul>
  );
}

function changeLines(changes: unknown): string[] {
  const value = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));
  if (Array.isArray(changes)) {
    return changes.map((c) => (c !== null && typeof c === 'object' && 'path' in c ? `${String(c.path)}: ${value((c as { from?: unknown }).from)} → ${value((c as { to?: unknown }).to)}` : String(c)));
  }
  if (changes === null || typeof changes !== 'object') return [];
  const c = changes as { attributes?: Record<string, unknown>; manager?: string; members?: string[]; from?: unknown; to?: unknown };
  // A created object: its attributes, manager and members; a manager change: from → to.
  if (c.attributes) {
    return [
      ...Object.entries(c.attributes).map(([path, v]) => `${path} = ${value(v)}`),
      ...(c.manager ? [`manager = ${c.manager}`] : []),
      ...(c.members ? [`members = ${c.members.length}`] : []),
    ];
  }
  if ('from' in c || 'to' in c) return [`manager: ${value(c.from)} → ${value(c.to)}`];
  return [];
}

function counts(s: NonNullable<Cycle['summary']>): string {
  return `${s.created} created, ${s.adopted ?? 0} adopted, ${s.updated} updated, ${s.disabled} disabled, ${s.deleted} deleted, ${s.unchanged} unchanged, ${s.failed} failed`;
}

function sourceText(source: SourceView): string {
  switch (source.kind) {
    case 'file':
      return `file ${source.users}`;
    case 'ldap':
    case 'scim':
      return `${source.kind} ${source.url}`;
    case 'directory':
      return `directory ${source.directory}`;
  }
}
