import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { HealthBadge } from '../components/health-badge';
import { Loading, Page } from '../components/page';
import { plural, rejectedSecret } from '../format';
import { When, WithDates } from '../components/when';
import { href } from '../router';
import type { DirectoryStatus, StatusReport } from '../types';
import { useLoad } from '../use-load';

/** Every directory's health, problems first (the server sorts worst first). */
export function Overview() {
  const { data, reload } = useLoad(() => api<StatusReport>('GET', '/status'), []);
  return (
    <Page title="Directories" actions={<button type="button" class="secondary" onClick={reload}>Refresh</button>}>
      {data ? (
        <>
          <p class="summary-line" data-testid="overview-summary">
            {data.attention ? <strong>Something needs your attention.</strong> : 'Nothing needs attention.'} {plural(data.directories.length, 'directory')};
            secrets count as expiring {data.warningWindowDays} days before they expire; a directory is idle after {data.idleHours} hours without a request.
          </p>
          {data.directories.length === 0 && <p>No directories yet. Create one for each identity provider that provisions into scimd.</p>}
          <ul class="directory-list">
            {data.directories.map((d) => (
              <DirectoryCard key={d.id} status={d} />
            ))}
          </ul>
          {(data.failingNotifications ?? []).length > 0 && (
            <p class="warning" data-testid="failing-notifications">
              Notifications do not reach{' '}
              {data.failingNotifications!.map((n) => `${n.recipient} (${n.state}${n.lastError ? `: ${n.lastError}` : ''})`).join(', ')}. See <code>scimd notify log</code>.
            </p>
          )}
          {(data.rejectedAdminSecrets ?? []).length > 0 && (
            <p class="warning" data-testid="rejected-admin-secrets">
              Something still presents {data.rejectedAdminSecrets.length === 1 ? 'an admin secret that no longer works' : 'admin secrets that no longer work'}:{' '}
              {data.rejectedAdminSecrets.map((r, i) => (
                <span key={r.id}>
                  {i > 0 && ', '}
                  {r.name} (…{r.suffix}, {r.reason}) at <When iso={r.lastRejectedAt} />
                  {r.clientIp ? ` from ${r.clientIp}` : ''}
                </span>
              ))}
              . Give whatever sends it an active admin secret.
            </p>
          )}
          {data.adminSecrets.some((s) => s.state === 'expiring') && (
            <p class="warning">
              An admin secret is expiring:{' '}
              {data.adminSecrets
                .filter((s) => s.state === 'expiring')
                .map((s, i) => (
                  <span key={s.id}>
                    {i > 0 && ', '}
                    {s.name} (…{s.suffix}) expires <When iso={s.expiresAt} />
                  </span>
                ))}
              .
            </p>
          )}
        </>
      ) : (
        <Loading what="directories" />
      )}
      <CreateDirectory />
    </Page>
  );
}

function DirectoryCard({ status: d }: { status: DirectoryStatus }) {
  const soonest = d.secrets.filter((s) => s.state === 'active' || s.state === 'expiring').sort((a, b) => (a.expiresAt ?? '9') < (b.expiresAt ?? '9') ? -1 : 1)[0];
  return (
    <li class={`directory-card${d.attention ? ' attention' : ''}`} data-testid="directory-card" data-directory={d.name}>
      <div class="card-head">
        <h2>
          <a href={href('directories', d.id)}>{d.name}</a>
        </h2>
        <HealthBadge health={d.health} connected={d.connected} />
      </div>
      <p class="card-summary">
        <WithDates text={d.summary} />
      </p>
      <dl class="facts">
        <div>
          <dt>Connected</dt>
          <dd data-testid="connected">{d.connected ? <>yes, since <When iso={d.firstRequestAt} /></> : 'no'}</dd>
        </div>
        <div>
          <dt>Last request</dt>
          <dd>{d.lastRequestAt ? <><When iso={d.lastRequestAt} /> from {d.lastUserAgent ?? 'an unknown client'} ({d.lastClientIp ?? 'unknown address'})</> : 'none yet'}</dd>
        </div>
        <div>
          <dt>Soonest expiry</dt>
          <dd>{soonest ? (soonest.expiresAt ? <>{soonest.name} expires <When iso={soonest.expiresAt} /></> : `${soonest.name} never expires`) : 'no active secret'}</dd>
        </div>
        <div>
          <dt>Rejected requests</dt>
          <dd data-testid="rejected">
            {d.rejectedCount ? <>{d.rejectedCount}; last <When iso={d.lastRejectedAt} /> with {rejectedSecret(d.lastRejectedReason)}</> : 'none'}
          </dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{d.errorCount ? `${plural(d.errorCount, 'failed request')} of ${d.requestCount}` : `none in ${plural(d.requestCount, 'request')}`}</dd>
        </div>
      </dl>
    </li>
  );
}

function CreateDirectory() {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await api<{ id: string }>('POST', '/directories', { body: { name: name.trim() }, quiet: true });
      location.hash = href('directories', created.id);
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <form class="inline-form card" onSubmit={submit}>
      <h2>New directory</h2>
      <p class="hint">One directory per identity provider connection, for example "Entra production".</p>
      <label for="new-directory-name">Name</label>
      <div class="row">
        <input id="new-directory-name" required maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">Create directory</button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
