import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { CopyButton } from '../components/copy-button';
import { Loading, Page } from '../components/page';
import { When } from '../components/when';
import { eventSubjectName } from '../event-subject';
import { useDirectoryNames } from '../use-directory-names';
import { href } from '../router';
import type { Delivery, DirectoryEvent, WebhookDetails, WebhookView } from '../types';
import { useLoad } from '../use-load';

const SHOWN = 100;

/** A directory's event feed, live: the latest events, then a long poll for each new one. */
export function EventsPage({ directory }: { directory?: string }) {
  const directories = useLoad(() => api<{ directories: { id: string; name: string }[] }>('GET', '/directories'), []);
  const selected = directory ?? directories.data?.directories[0]?.id;
  return (
    <Page title="Events">
      <nav class="tabs" aria-label="Events and webhooks">
        <a href={href('events')} aria-current="page">
          Event feed
        </a>
        <a href={href('webhooks')}>Webhooks</a>
      </nav>
      {directories.data && (
        <div class="row">
          <label for="event-directory">Directory</label>
          <select id="event-directory" value={selected} onChange={(e) => (location.hash = href('events', (e.target as HTMLSelectElement).value))}>
            {directories.data.directories.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {selected ? <LiveFeed key={selected} directory={selected} names={new Map((directories.data?.directories ?? []).map((d) => [d.id, d.name]))} /> : directories.data ? <p>No directories yet.</p> : <Loading what="directories" />}
    </Page>
  );
}

function LiveFeed({ directory, names }: { directory: string; names: Map<string, string> }) {
  const [events, setEvents] = useState<DirectoryEvent[] | null>(null);
  const [live, setLive] = useState(true);
  useEffect(() => {
    if (!live) return;
    const stop = new AbortController();
    const path = `/directories/${encodeURIComponent(directory)}/events`;
    (async () => {
      const head = await api<{ latest: number }>('GET', `${path}?limit=1&after=0`, { signal: stop.signal });
      let after = Math.max(0, head.latest - SHOWN);
      while (!stop.signal.aborted) {
        const page = await api<{ events: DirectoryEvent[]; next: number; latest: number }>('GET', `${path}?after=${after}&limit=${SHOWN}&wait=${after >= head.latest ? 25 : 0}`, {
          signal: stop.signal,
        });
        if (page.events.length) setEvents((list) => [...page.events.reverse(), ...(list ?? [])].slice(0, SHOWN));
        else setEvents((list) => list ?? []);
        after = Math.max(after, page.next ?? after, ...page.events.map((e) => e.sequence));
        head.latest = Math.max(head.latest, page.latest);
      }
    })().catch((error) => {
      if (!stop.signal.aborted && !(error instanceof ApiError)) throw error;
    });
    return () => stop.abort();
  }, [directory, live]);
  // Names the listed events carry, by subject id: a member event names a member the list has seen.
  const seen = new Map<string, string>();
  for (const e of [...(events ?? [])].reverse()) {
    const name = eventSubjectName(e);
    if (name) seen.set(e.subject.id, name);
  }
  return (
    <div class="card" aria-live="polite" aria-busy={events === null}>
      <div class="card-head">
        <h2>{live ? 'Live: new events appear at the top' : 'Paused'}</h2>
        <button type="button" class="secondary small" onClick={() => setLive(!live)}>
          {live ? 'Pause' : 'Resume'}
        </button>
      </div>
      {events === null ? (
        <Loading what="events" />
      ) : events.length ? (
        <ul class="history events" data-testid="event-list">
          {events.map((e) => (
            <li key={e.id} data-testid="event">
              <strong>{e.type}</strong>{' '}
              <span class="muted">
                #{e.sequence} · <When iso={e.occurredAt} />
              </span>{' '}
              <EventSubject event={e} names={names} seen={seen} />
              <details>
                <summary>Data</summary>
                <pre class="json">{JSON.stringify(e.data, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : (
        <p>No events yet; they appear here as the identity provider writes.</p>
      )}
    </div>
  );
}

/** The subject by its name (a link for users and groups), its id beside it; a member event names the member too. */
function EventSubject({ event: e, names, seen }: { event: DirectoryEvent; names: Map<string, string>; seen: Map<string, string> }) {
  const name = eventSubjectName(e) ?? (e.subject.type === 'Directory' ? names.get(e.subject.id) : undefined);
  const page = e.subject.type === 'User' ? 'users' : e.subject.type === 'Group' ? 'groups' : null;
  const member = e.data.member as { value?: string; type?: string } | undefined;
  const label = name ?? e.subject.id;
  return (
    <span data-testid="event-subject">
      {e.subject.type} {page && !e.type.endsWith('.deleted') ? <a href={href('directories', e.directoryId, page, e.subject.id)}>{label}</a> : <strong>{label}</strong>}
      {name && <span class="mono muted"> {e.subject.id}</span>}
      {member?.value && (
        <>
          {' '}
          · member <a href={href('directories', e.directoryId, member.type === 'Group' ? 'groups' : 'users', member.value)}>{seen.get(member.value) ?? member.value}</a>
        </>
      )}
    </span>
  );
}

/** A webhook as listed, or read with its delivery positions. */
type Webhook = WebhookView & Partial<Pick<WebhookDetails, 'streams'>>;

/** Webhook endpoints; a new one's signing secret is shown once. */
export function WebhooksPage() {
  const list = useLoad(() => api<{ webhooks: Webhook[] }>('GET', '/webhooks'), []);
  const directories = useDirectoryNames();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<(Webhook & { secret: string }) | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await api<Webhook & { secret: string }>('POST', '/webhooks', { body: { url: url.trim() }, quiet: true }));
      setUrl('');
      list.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    }
  };
  return (
    <Page title="Webhooks">
      <nav class="tabs" aria-label="Events and webhooks">
        <a href={href('events')}>Event feed</a>
        <a href={href('webhooks')} aria-current="page">
          Webhooks
        </a>
      </nav>
      {list.data ? (
        <div class="table-wrap card">
          <table>
            <caption class="visually-hidden">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Directory</th>
                <th scope="col">Events</th>
                <th scope="col">Format</th>
                <th scope="col">Enabled</th>
              </tr>
            </thead>
            <tbody>
              {list.data.webhooks.map((w) => (
                <tr key={w.id}>
                  <th scope="row">
                    <a href={href('webhooks', w.id)}>{w.url}</a>
                  </th>
                  <td>{w.directoryId ? (directories.get(w.directoryId) ?? w.directoryId) : 'all'}</td>
                  <td>{w.eventTypes.length ? w.eventTypes.join(', ') : 'all'}</td>
                  <td>{w.format}</td>
                  <td>{w.enabled ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!list.data.webhooks.length && <p>No webhook endpoints yet.</p>}
        </div>
      ) : (
        <Loading what="webhooks" />
      )}
      {created && (
        <div class="card warning" role="status">
          <strong>Signing secret for {created.url}, shown only now:</strong>
          <div class="row">
            <input class="mono" readOnly value={created.secret} aria-label="Webhook signing secret" />
            <CopyButton value={created.secret} label="Copy the signing secret" />
          </div>
        </div>
      )}
      <form class="card" onSubmit={submit}>
        <h2>New endpoint</h2>
        <label for="webhook-url">URL</label>
        <div class="row">
          <input id="webhook-url" type="url" required value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} placeholder="https://app.example.com/hooks/scimd" />
          <button type="submit">Add endpoint</button>
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Page>
  );
}

/** One endpoint: its streams, a test delivery, and the delivery log with resend. */
export function WebhookPage({ id }: { id: string }) {
  const path = `/webhooks/${encodeURIComponent(id)}`;
  const webhook = useLoad(() => api<Webhook>('GET', path), [id]);
  const deliveries = useLoad(() => api<{ deliveries: Delivery[] }>('GET', `${path}/deliveries?limit=50`), [id]);
  const directories = useDirectoryNames();
  const refresh = () => {
    webhook.reload();
    deliveries.reload();
  };
  const w = webhook.data;
  return (
    <Page title={w ? w.url : 'Webhook'}>
      <p>
        <a href={href('webhooks')}>← All webhooks</a>
      </p>
      {w ? (
        <div class="card">
          <p>
            {w.description || 'No description.'} Format {w.format}; {w.enabled ? 'enabled' : 'disabled'}; {w.eventTypes.length ? w.eventTypes.join(', ') : 'every event type'}.
          </p>
          <ul>
            {(w.streams ?? []).map((s) => (
              <li key={s.directoryId}>
                {directories.get(s.directoryId) ?? <span class="mono">{s.directoryId}</span>}: {s.state}, {s.behind} behind
                {s.failingSince ? (
                  <>
                    , failing since <When iso={s.failingSince} />
                  </>
                ) : (
                  ''
                )}
                {s.pausedAt ? `, paused: ${s.pauseReason ?? ''}` : ''}
              </li>
            ))}
          </ul>
          <div class="row actions-row">
            <button type="button" onClick={() => api('POST', `${path}/test`, { body: {} }).then(refresh, () => undefined)}>
              Send a test event
            </button>
            <button type="button" class="secondary" onClick={refresh}>
              Refresh
            </button>
          </div>
        </div>
      ) : (
        <Loading what="the webhook" />
      )}
      <div class="card">
        <h2>Deliveries</h2>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Delivery log, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Answer</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(deliveries.data?.deliveries ?? []).map((d) => (
                <tr key={d.id}>
                  <td>
                    <When iso={d.at} />
                  </td>
                  <td>
                    {d.eventType} #{d.sequence} ({d.kind}, attempt {d.attempt})
                  </td>
                  <th scope="row">{d.outcome}</th>
                  <td>{d.statusCode ? `HTTP ${d.statusCode}` : d.error ?? ''} · {d.durationMs} ms</td>
                  <td>
                    <button type="button" class="secondary small" onClick={() => api('POST', `${path}/deliveries/${encodeURIComponent(d.id)}/resend`, { body: {} }).then(refresh, () => undefined)}>
                      Resend
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Page>
  );
}
