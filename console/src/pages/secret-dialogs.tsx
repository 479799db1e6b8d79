import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { CopyButton } from '../components/copy-button';
import { Dialog } from '../components/dialog';
import { When } from '../components/when';
import type { CreatedSecret, Secret } from '../types';
import { replacedByRotation } from './rotation';

const LIFETIMES = [
  ['', "Directory default"],
  ['90d', '90 days'],
  ['180d', '180 days'],
  ['365d', '1 year'],
  ['never', 'Never expires'],
] as const;

/**
 * "+ Client Secret": name and lifetime, then the secret shown once with a copy button and the
 * steps to put it into Entra or Okta. Closing the dialog forgets it.
 */
export function CreateSecretDialog({ directoryId, scimUrl, onClose }: { directoryId: string; scimUrl: string; onClose: (created: boolean) => void }) {
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body: Record<string, string> = {};
      if (name.trim()) body.name = name.trim();
      if (expiresIn) body.expiresIn = expiresIn;
      setCreated(await api<CreatedSecret>('POST', `/directories/${encodeURIComponent(directoryId)}/secrets`, { body, quiet: true }));
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  if (created) {
    return (
      <Dialog title="Client secret created" onClose={() => onClose(true)}>
        <p class="warning">
          This is the only time the secret is shown. Copy it now; scimd keeps only a hash. It {created.expiresAt ? <>expires <When iso={created.expiresAt} /></> : 'never expires'}.
        </p>
        <label for="new-secret">Client secret "{created.name}"</label>
        <div class="row">
          <input id="new-secret" class="mono" readOnly value={created.secret} data-testid="new-secret" onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <CopyButton value={created.secret} label="Copy the client secret" />
        </div>
        <h3>Next steps</h3>
        <details open>
          <summary>Microsoft Entra ID</summary>
          <ol>
            <li>Enterprise applications → your app → <b>Provisioning</b> → <b>Admin Credentials</b>.</li>
            <li>
              <b>Tenant URL</b>: <code>{scimUrl}</code>
            </li>
            <li>
              <b>Secret Token</b>: paste the secret above.
            </li>
            <li>
              Click <b>Test Connection</b>, then <b>Save</b>. This page shows the new secret as seen in traffic after the next provisioning cycle.
            </li>
          </ol>
        </details>
        <details>
          <summary>Okta</summary>
          <ol>
            <li>Applications → your app → <b>Provisioning</b> → <b>Integration</b> → <b>Edit</b>.</li>
            <li>
              <b>SCIM connector base URL</b>: <code>{scimUrl}</code>
            </li>
            <li>
              <b>Authentication Mode</b>: HTTP Header; <b>Authorization</b> (Bearer): paste the secret above.
            </li>
            <li>
              Click <b>Test Connector Configuration</b>, then <b>Save</b>.
            </li>
          </ol>
        </details>
        <p class="hint">Once the identity provider uses the new secret, revoke the one it replaces.</p>
        <div class="dialog-actions">
          <button type="button" onClick={() => onClose(true)}>
            Done, I copied it
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="New client secret" onClose={() => onClose(false)}>
      <form onSubmit={submit}>
        <label for="secret-name">Name</label>
        <input id="secret-name" placeholder="Entra production" maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="secret-lifetime">Expires</label>
        <select id="secret-lifetime" value={expiresIn} onChange={(e) => setExpiresIn((e.target as HTMLSelectElement).value)}>
          {LIFETIMES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button type="submit">Create secret</button>
        </div>
      </form>
    </Dialog>
  );
}

/** Revocation, with what it will break spelled out before the admin confirms. */
export function RevokeSecretDialog({ secret, secrets, onClose }: { secret: Secret; secrets: Secret[]; onClose: (revoked: boolean) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const othersActive = secrets.filter((s) => s.id !== secret.id && (s.state === 'active' || s.state === 'expiring'));
  const isLast = othersActive.length === 0 && (secret.state === 'active' || secret.state === 'expiring');
  const replaced = replacedByRotation(secret, secrets);
  const recentlyUsed = !replaced && secret.lastUsedAt && Date.now() - Date.parse(secret.lastUsedAt) < 7 * 86_400_000;
  const revoke = async () => {
    setError(null);
    try {
      await api('DELETE', `/directories/${encodeURIComponent(secret.directoryId ?? '')}/secrets/${encodeURIComponent(secret.id)}${force ? '?force=true' : ''}`, { quiet: true });
      onClose(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <Dialog title={`Revoke "${secret.name}" (…${secret.suffix})?`} onClose={() => onClose(false)}>
      <ul class="consequences" data-testid="revoke-consequences">
        <li>Every request that presents this secret is refused from now on (HTTP 401). This cannot be undone.</li>
        {secret.lastUsedAt ? (
          <li class={recentlyUsed ? 'warning' : ''}>
            It was last used <When iso={secret.lastUsedAt} /> by {secret.lastUsedUserAgent ?? 'an unknown client'} from {secret.lastUsedIp ?? 'an unknown address'}
            {replaced ? ', before the rotation: nothing has used it since the new secret took over.' : recentlyUsed ? ': that client stops provisioning until it gets another secret.' : '.'}
          </li>
        ) : (
          <li>It has never been used, so no client should notice.</li>
        )}
        {isLast ? (
          <li class="warning">
            This is the directory's only active secret: <strong>all provisioning into this directory stops</strong> until you create a new one and give it to the identity
            provider.
          </li>
        ) : (
          <li>
            {othersActive.length === 1 ? `"${othersActive[0].name}" stays active` : `${othersActive.length} other secrets stay active`}
            {othersActive.some((s) => s.firstUsedAt) ? ' and has carried traffic.' : ', but has not been used yet: make sure the identity provider has it first.'}
          </li>
        )}
      </ul>
      {isLast && (
        <label class="checkbox">
          <input type="checkbox" checked={force} onChange={(e) => setForce((e.target as HTMLInputElement).checked)} /> I understand provisioning stops
        </label>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={() => onClose(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={revoke} disabled={isLast && !force}>
          Revoke secret
        </button>
      </div>
    </Dialog>
  );
}
