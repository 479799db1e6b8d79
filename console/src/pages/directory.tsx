import { useState } from 'preact/hooks';
import { api } from '../api';
import { CopyButton } from '../components/copy-button';
import { HealthBadge, StateBadge } from '../components/health-badge';
import { Loading, Page } from '../components/page';
import { SecretTimeline } from '../components/secret-timeline';
import { plural, rejectedSecret } from '../format';
import { When, WithDates } from '../components/when';
import { href } from '../router';
import type { DirectoryDetails, DirectoryStatus, Secret, StatusReport } from '../types';
import { useLoad } from '../use-load';
import { rotationState } from './rotation';
import { DirectoryNotifications } from './notifications';
import { CreateSecretDialog, RevokeSecretDialog } from './secret-dialogs';

/** Links between a directory's pages. */
export function DirectoryNav({ id, current }: { id: string; current: 'secrets' | 'users' | 'groups' }) {
  const link = (page: typeof current, label: string, path: string[]) => (
    <a href={href('directories', id, ...path)} aria-current={current === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="tabs" aria-label="Directory sections">
      {link('secrets', 'Connection & secrets', [])}
      {link('users', 'Users', ['users'])}
      {link('groups', 'Groups', ['groups'])}
    </nav>
  );
}

/** A directory: tenant URL, health, client secrets on a timeline, rotation state. */
export function DirectoryPage({ id }: { id: string }) {
  const path = `/directories/${encodeURIComponent(id)}`;
  const details = useLoad(() => api<DirectoryDetails>('GET', path), [id]);
  const status = useLoad(() => api<DirectoryStatus>('GET', `${path}/status`), [id]);
  const window = useLoad(() => api<StatusReport>('GET', '/status'), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Secret | null>(null);
  const reload = () => {
    details.reload();
    status.reload();
  };
  const d = details.data;
  const s = status.data;
  const warningDays = window.data?.warningWindowDays ?? 60;
  return (
    <Page
      title={d ? d.name : 'Directory'}
      actions={
        <button type="button" class="secondary" onClick={reload}>
          Refresh
        </button>
      }
    >
      <DirectoryNav id={id} current="secrets" />
      {!d || !s ? (
        details.failed || status.failed ? <p>This directory could not be loaded.</p> : <Loading what="the directory" />
      ) : (
        <>
          <div class="card">
            <div class="card-head">
              <h2>Connection</h2>
              <HealthBadge health={s.health} connected={s.connected} />
            </div>
            <p data-testid="directory-summary">
              <WithDates text={s.summary} />
            </p>
            <label for="tenant-url">Tenant URL (SCIM base URL)</label>
            <div class="row">
              <input id="tenant-url" class="mono" readOnly value={d.scimUrl} onFocus={(e) => (e.target as HTMLInputElement).select()} />
              <CopyButton value={d.scimUrl} label="Copy the tenant URL" />
            </div>
            <dl class="facts">
              <div>
                <dt>Connected</dt>
                <dd data-testid="connected">{s.connected ? <>yes, first request <When iso={s.firstRequestAt} /></> : 'no request yet'}</dd>
              </div>
              <div>
                <dt>Last request</dt>
                <dd data-testid="last-request">
                  {s.lastRequestAt ? <><When iso={s.lastRequestAt} /> from {s.lastUserAgent ?? 'an unknown client'} at {s.lastClientIp ?? 'an unknown address'}</> : '—'}
                </dd>
              </div>
              <div>
                <dt>Requests</dt>
                <dd>
                  {s.requestCount} ({s.errorCount} failed)
                </dd>
              </div>
              <div>
                <dt>Rejected</dt>
                <dd data-testid="rejected">
                  {s.rejectedCount ? <>{s.rejectedCount}; last <When iso={s.lastRejectedAt} /> with {rejectedSecret(s.lastRejectedReason)}</> : 'none'}
                </dd>
              </div>
              <div>
                <dt>Holds</dt>
                <dd>
                  <a href={href('directories', id, 'users')}>{plural(d.users, 'user')}</a>, <a href={href('directories', id, 'groups')}>{plural(d.groups, 'group')}</a>
                </dd>
              </div>
            </dl>
          </div>
          <div class="card">
            <div class="card-head">
              <h2>Client secrets</h2>
              <button type="button" onClick={() => setCreating(true)}>
                + Client Secret
              </button>
            </div>
            <p class="hint">
              Up to {d.settings.maxActiveSecrets} active at once, so the identity provider can switch to a new one before the old one is revoked. New secrets last{' '}
              {d.settings.defaultSecretLifetime === 'never' ? 'forever' : d.settings.defaultSecretLifetime}.
            </p>
            <Rotation secrets={s.secrets} />
            <SecretTimeline secrets={s.secrets} warningDays={warningDays} />
            <SecretTable secrets={s.secrets} onRevoke={setRevoking} />
          </div>
          <DirectoryNotifications directoryId={d.id} />
        </>
      )}
      {creating && d && (
        <CreateSecretDialog
          directoryId={d.id}
          scimUrl={d.scimUrl}
          onClose={(created) => {
            setCreating(false);
            if (created) reload();
          }}
        />
      )}
      {revoking && s && (
        <RevokeSecretDialog
          secret={revoking}
          secrets={s.secrets}
          onClose={(revoked) => {
            setRevoking(null);
            if (revoked) reload();
          }}
        />
      )}
    </Page>
  );
}

function Rotation({ secrets }: { secrets: Secret[] }) {
  const state = rotationState(secrets);
  if (!state) return null;
  return (
    <div class={`rotation ${state.safeToRevoke ? 'done' : 'pending'}`} data-testid="rotation-state">
      <strong>{state.headline}</strong>
      <p>{state.detail}</p>
    </div>
  );
}

function SecretTable({ secrets, onRevoke }: { secrets: Secret[]; onRevoke: (secret: Secret) => void }) {
  if (!secrets.length) return <p>No client secrets yet: create one and give it to the identity provider with the tenant URL.</p>;
  const ordered = [...secrets].sort((a, b) => rank(a) - rank(b) || (a.created < b.created ? 1 : -1));
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Client secrets</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Expires on</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((s) => (
            <tr key={s.id} data-testid="secret-row" data-secret={s.id}>
              <th scope="row">
                {s.name} <span class="muted mono">…{s.suffix}</span>
              </th>
              <td>
                <StateBadge state={s.state} />
              </td>
              <td>
                {s.revokedAt ? <>revoked <When iso={s.revokedAt} /></> : <When iso={s.expiresAt} />}
              </td>
              <td>
                <When iso={s.created} />
              </td>
              <td>{s.lastUsedAt ? <><When iso={s.lastUsedAt} /> · {s.lastUsedUserAgent ?? 'unknown client'}</> : 'never'}</td>
              <td>
                {!s.revokedAt && (
                  <button type="button" class="danger small" onClick={() => onRevoke(s)} aria-label={`Revoke ${s.name} (…${s.suffix})`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function rank(secret: Secret): number {
  return { expiring: 0, active: 1, expired: 2, revoked: 3 }[secret.state];
}
