import { useState } from 'preact/hooks';
import { api } from '../api';
import { Loading, Page } from '../components/page';
import { Pager } from '../components/pager';
import { When } from '../components/when';
import { href } from '../router';
import type { DirectoryEvent, ListResponse, ScimGroup, ScimUser } from '../types';
import { useLoad } from '../use-load';
import { DirectoryNav } from './directory';

const PAGE = 25;
type Kind = 'users' | 'groups';

/** Search a directory's users or groups by plain text or SCIM filter, a page at a time. */
export function ResourceList({ directory, kind }: { directory: string; kind: Kind }) {
  const [mode, setMode] = useState<'search' | 'filter'>('search');
  const [text, setText] = useState('');
  const [query, setQuery] = useState<{ mode: string; text: string; start: number }>({ mode: 'search', text: '', start: 1 });
  const base = `/directories/${encodeURIComponent(directory)}/${kind}`;
  const list = useLoad(() => {
    const params = new URLSearchParams({ startIndex: String(query.start), count: String(PAGE) });
    if (query.text) params.set(query.mode, query.text);
    return api<ListResponse<ScimUser & ScimGroup>>('GET', `${base}?${params}`);
  }, [directory, kind, query.mode, query.text, query.start]);
  const submit = (event: Event) => {
    event.preventDefault();
    setQuery({ mode, text: text.trim(), start: 1 });
  };
  const title = kind === 'users' ? 'Users' : 'Groups';
  return (
    <Page title={title}>
      <DirectoryNav id={directory} current={kind} />
      <form class="search card" onSubmit={submit} role="search">
        <fieldset class="mode">
          <legend class="visually-hidden">Search by</legend>
          <label class="checkbox">
            <input type="radio" name="mode" checked={mode === 'search'} onChange={() => setMode('search')} /> Text
          </label>
          <label class="checkbox">
            <input type="radio" name="mode" checked={mode === 'filter'} onChange={() => setMode('filter')} /> SCIM filter
          </label>
        </fieldset>
        <label for="resource-query" class="visually-hidden">
          {mode === 'search' ? `Search ${kind}` : 'SCIM filter'}
        </label>
        <div class="row">
          <input
            id="resource-query"
            class={mode === 'filter' ? 'mono' : ''}
            placeholder={mode === 'search' ? (kind === 'users' ? 'name, userName, email or externalId' : 'group name or externalId') : kind === 'users' ? 'userName sw "a" and active eq true' : 'displayName co "sales"'}
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Search</button>
        </div>
      </form>
      {list.data ? (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{title}</caption>
              <thead>
                {kind === 'users' ? (
                  <tr>
                    <th scope="col">userName</th>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Active</th>
                  </tr>
                ) : (
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">externalId</th>
                  </tr>
                )}
              </thead>
              <tbody>
                {list.data.Resources.map((r) =>
                  kind === 'users' ? (
                    <tr key={r.id}>
                      <th scope="row">
                        <a href={href('directories', directory, 'users', r.id)}>{r.userName}</a>
                      </th>
                      <td>{r.displayName ?? r.name?.formatted ?? ''}</td>
                      <td>{(r.emails ?? []).find((e) => e.primary)?.value ?? r.emails?.[0]?.value ?? ''}</td>
                      <td>{r.active === false ? 'no' : 'yes'}</td>
                    </tr>
                  ) : (
                    <tr key={r.id}>
                      <th scope="row">
                        <a href={href('directories', directory, 'groups', r.id)}>{r.displayName}</a>
                      </th>
                      <td>{r.externalId ?? ''}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
          <Pager label={title} startIndex={query.start} count={PAGE} total={list.data.totalResults} onPage={(start) => setQuery({ ...query, start })} />
        </>
      ) : list.failed ? (
        <p>The search failed; the banner above says why.</p>
      ) : (
        <Loading what={kind} />
      )}
    </Page>
  );
}

/** One user or group: its full record, its history from the event log, and a group's members. */
export function ResourceDetail({ directory, kind, id }: { directory: string; kind: Kind; id: string }) {
  const base = `/directories/${encodeURIComponent(directory)}/${kind}/${encodeURIComponent(id)}`;
  const record = useLoad(() => api<ScimUser & ScimGroup>('GET', base), [base]);
  const history = useLoad(() => api<{ events: DirectoryEvent[]; window: number }>('GET', `${base}/history`), [base]);
  const r = record.data;
  const title = r ? (kind === 'users' ? r.userName : r.displayName) : kind === 'users' ? 'User' : 'Group';
  return (
    <Page title={title}>
      <DirectoryNav id={directory} current={kind} />
      <p>
        <a href={href('directories', directory, kind)}>← All {kind}</a>
      </p>
      {r ? (
        <div class="card">
          <h2>Record</h2>
          <pre class="json" tabIndex={0} aria-label="The SCIM record as JSON">
            {JSON.stringify(r, null, 2)}
          </pre>
        </div>
      ) : (
        !record.failed && <Loading what="the record" />
      )}
      {kind === 'groups' && <Members directory={directory} group={id} />}
      <div class="card">
        <h2>History</h2>
        {history.data ? (
          history.data.events.length ? (
            <ol class="history">
              {history.data.events.map((e) => (
                <li key={e.id}>
                  <strong>{e.type}</strong> <span class="muted">
                    <When iso={e.occurredAt} />
                  </span>
                  {Array.isArray(e.data.changed) && <span> — changed {(e.data.changed as string[]).join(', ')}</span>}
                  <details>
                    <summary>Event data</summary>
                    <pre class="json">{JSON.stringify(e.data, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ol>
          ) : (
            <p>No events about it among the directory's latest {history.data.window}.</p>
          )
        ) : (
          <Loading what="history" />
        )}
      </div>
    </Page>
  );
}

function Members({ directory, group }: { directory: string; group: string }) {
  const [start, setStart] = useState(1);
  const members = useLoad(
    () => api<ListResponse<ScimUser>>('GET', `/directories/${encodeURIComponent(directory)}/groups/${encodeURIComponent(group)}/members?startIndex=${start}&count=${PAGE}`),
    [directory, group, start],
  );
  return (
    <div class="card">
      <h2>Members</h2>
      {members.data ? (
        <>
          <ul class="members">
            {members.data.Resources.map((u) => (
              <li key={u.id}>
                <a href={href('directories', directory, 'users', u.id)}>{u.userName}</a> {u.displayName && <span class="muted">{u.displayName}</span>}
              </li>
            ))}
          </ul>
          <Pager label="Members" startIndex={start} count={PAGE} total={members.data.totalResults} onPage={setStart} />
        </>
      ) : (
        <Loading what="members" />
      )}
    </div>
  );
}
