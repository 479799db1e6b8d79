import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Dialog } from '../components/dialog';
import { Loading, Page } from '../components/page';
import { When } from '../components/when';
import { href } from '../router';
import type { NotificationDelivery, NotificationRecipient } from '../types';
import { useLoad } from '../use-load';

const LOG_SHOWN = 50;

/** What an attempt came to, in a few words: "delivered (HTTP 200)", "failed: ECONNREFUSED". */
export function deliveryOutcome(d: NotificationDelivery): string {
  const detail = d.error ?? (d.statusCode !== null ? `HTTP ${d.statusCode}` : d.responseExcerpt);
  return d.outcome === 'delivered' ? `delivered${detail ? ` (${detail})` : ''}` : `${d.outcome}${detail ? `: ${detail}` : ''}`;
}

/** The recipients, adding one, removing one, a test message, and the delivery log (docs/notifications.md). */
export function NotificationsPage() {
  const recipients = useLoad(() => api<{ recipients: NotificationRecipient[] }>('GET', '/notifications'), []);
  const log = useLoad(() => api<{ deliveries: NotificationDelivery[] }>('GET', `/notifications/log?limit=${LOG_SHOWN}`), []);
  const directories = useLoad(() => api<{ directories: { id: string; name: string }[] }>('GET', '/directories'), []);
  const [removing, setRemoving] = useState<NotificationRecipient | null>(null);
  const [tested, setTested] = useState<{ recipient: NotificationRecipient; outcome: string; ok: boolean } | null>(null);
  const refresh = () => {
    recipients.reload();
    log.reload();
  };
  const names = new Map((directories.data?.directories ?? []).map((d) => [d.id, d.name]));
  const sendTest = async (recipient: NotificationRecipient) => {
    setTested(null);
    try {
      const delivery = await api<NotificationDelivery>('POST', `/notifications/${encodeURIComponent(recipient.id)}/test`, { body: {}, quiet: true });
      setTested({ recipient, outcome: deliveryOutcome(delivery), ok: delivery.outcome === 'delivered' });
    } catch (err) {
      setTested({ recipient, outcome: err instanceof ApiError ? err.detail : String(err), ok: false });
    }
    refresh();
  };
  return (
    <Page
      title="Notifications"
      actions={
        <button type="button" class="secondary" onClick={refresh}>
          Refresh
        </button>
      }
    >
      <p class="hint">
        scimd writes to these recipients when a secret nears its expiry, expires or is refused, when a directory goes quiet, and when a provisioning connection is quarantined,
        stopped or recovers.
      </p>
      {recipients.data ? (
        <div class="table-wrap card">
          <table>
            <caption class="visually-hidden">Notification recipients</caption>
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Channel</th>
                <th scope="col">Hears about</th>
                <th scope="col">Last delivery</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {recipients.data.recipients.map((r) => {
                const last = r.lastDelivery;
                return (
                  <tr key={r.id} data-testid="recipient-row" data-recipient={r.id}>
                    <th scope="row" class="mono">
                      {r.recipient}
                    </th>
                    <td>{r.channel}</td>
                    <td>{r.directoryId ? <a href={href('directories', r.directoryId)}>{names.get(r.directoryId) ?? r.directoryId}</a> : 'all directories'}</td>
                    <td data-testid="recipient-last">
                      {r.state !== 'ok' ? (
                        `${r.state}${r.lastError ? `: ${r.lastError}` : ''}`
                      ) : last ? (
                        <>
                          {deliveryOutcome(last)}, <When iso={last.at} />
                        </>
                      ) : (
                        'nothing sent yet'
                      )}
                    </td>
                    <td class="actions-row">
                      <button type="button" class="secondary small" onClick={() => sendTest(r)} aria-label={`Send a test to ${r.recipient}`}>
                        Send test
                      </button>
                      <button type="button" class="danger small" onClick={() => setRemoving(r)} aria-label={`Remove ${r.recipient}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {!recipients.data.recipients.length && <p>No recipients yet: nobody hears when a secret is about to expire.</p>}
        </div>
      ) : (
        <Loading what="recipients" />
      )}
      {tested && (
        <p class={tested.ok ? 'card' : 'card warning'} role="status" data-testid="test-outcome">
          Test to {tested.recipient.recipient}: {tested.outcome}
        </p>
      )}
      <AddRecipient directories={directories.data?.directories ?? []} onAdded={refresh} />
      <div class="card">
        <h2>Recent deliveries</h2>
        {log.data ? (
          log.data.deliveries.length ? (
            <div class="table-wrap">
              <table data-testid="notification-log">
                <caption class="visually-hidden">Delivery log, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Recipient</th>
                    <th scope="col">Message</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <When iso={d.at} />
                      </td>
                      <td class="mono">{d.recipient ?? d.webhookId}</td>
                      <td>
                        {d.eventType} ({d.kind}, attempt {d.attempt})
                      </td>
                      <td>
                        {deliveryOutcome(d)} · {d.durationMs} ms
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>Nothing sent yet.</p>
          )
        ) : (
          <Loading what="the delivery log" />
        )}
      </div>
      {removing && (
        <Dialog title={`Remove ${removing.recipient}?`} onClose={() => setRemoving(null)}>
          <RemoveRecipient
            recipient={removing}
            onClose={(removed) => {
              setRemoving(null);
              if (removed) refresh();
            }}
          />
        </Dialog>
      )}
    </Page>
  );
}

function AddRecipient({ directories, onAdded }: { directories: { id: string; name: string }[]; onAdded: () => void }) {
  const [recipient, setRecipient] = useState('');
  const [directory, setDirectory] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api('POST', '/notifications', { body: { recipient: recipient.trim(), ...(directory ? { directory } : {}) }, quiet: true });
      setRecipient('');
      onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <form class="card" onSubmit={submit}>
      <h2>Add a recipient</h2>
      <label for="notify-recipient">E-mail address or chat webhook</label>
      <input
        id="notify-recipient"
        required
        value={recipient}
        onInput={(e) => setRecipient((e.target as HTMLInputElement).value)}
        placeholder="ops@example.com, slack+https://hooks.slack.com/… or teams+https://…"
        autocomplete="off"
      />
      <p class="hint">A Slack or Teams address is the channel's incoming-webhook URL with slack+ or teams+ in front; after saving only its host and last characters are shown.</p>
      <label for="notify-directory">Directory</label>
      <div class="row">
        <select id="notify-directory" value={directory} onChange={(e) => setDirectory((e.target as HTMLSelectElement).value)}>
          <option value="">All directories (and the admin secrets)</option>
          {directories.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <button type="submit">Add recipient</button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function RemoveRecipient({ recipient, onClose }: { recipient: NotificationRecipient; onClose: (removed: boolean) => void }) {
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setError(null);
    try {
      await api('DELETE', `/notifications/${encodeURIComponent(recipient.id)}`, { quiet: true });
      onClose(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <>
      <p>It stops hearing from scimd at once, and its delivery log goes with it.</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={() => onClose(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={remove}>
          Remove recipient
        </button>
      </div>
    </>
  );
}

/** On a directory's page: who hears about this directory (its own recipients and the all-directories ones). */
export function DirectoryNotifications({ directoryId }: { directoryId: string }) {
  const recipients = useLoad(() => api<{ recipients: NotificationRecipient[] }>('GET', '/notifications'), [directoryId]);
  const hearing = (recipients.data?.recipients ?? []).filter((r) => r.directoryId === null || r.directoryId === directoryId);
  return (
    <div class="card" data-testid="directory-notifications">
      <div class="card-head">
        <h2>Notifications</h2>
        <a href={href('notifications')}>Manage notifications</a>
      </div>
      {!recipients.data ? (
        <Loading what="recipients" />
      ) : hearing.length ? (
        <ul>
          {hearing.map((r) => (
            <li key={r.id}>
              <span class="mono">{r.recipient}</span> ({r.channel}, {r.directoryId ? 'this directory' : 'all directories'}){r.state !== 'ok' ? `: ${r.state}${r.lastError ? `, ${r.lastError}` : ''}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nobody hears about this directory: add a recipient so someone learns before a secret expires.</p>
      )}
    </div>
  );
}
