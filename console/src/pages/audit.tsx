import { useState } from 'preact/hooks';
import { api } from '../api';
import { Loading, Page } from '../components/page';
import { When } from '../components/when';
import type { AuditEntry } from '../types';
import { useLoad } from '../use-load';

/** Who changed what, newest first, a page at a time. */
export function AuditPage() {
  const [before, setBefore] = useState<string[]>([]);
  const cursor = before[before.length - 1];
  const page = useLoad(() => api<{ entries: AuditEntry[]; next: string | null }>('GET', `/audit?limit=50${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`), [cursor]);
  return (
    <Page title="Audit log">
      {page.data ? (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">By</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {page.data.entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row">
                    <td>
                      <When iso={e.at} />
                    </td>
                    <th scope="row">{e.action}</th>
                    <td data-testid="audit-target">
                      <NamedId name={e.targetName} id={e.targetId} />
                    </td>
                    <td data-testid="audit-actor">
                      <NamedId name={e.actorName} id={e.actor} />
                      {e.actorIp ? <span class="mono"> ({e.actorIp})</span> : ''}
                    </td>
                    <td>
                      <code class="detail">{JSON.stringify(e.detail)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Audit pages">
            <button type="button" class="secondary small" disabled={!before.length} onClick={() => setBefore(before.slice(0, -1))}>
              Newer
            </button>
            <button type="button" class="secondary small" disabled={!page.data.next} onClick={() => setBefore([...before, page.data!.next!])}>
              Older
            </button>
          </nav>
        </>
      ) : (
        <Loading what="the audit log" />
      )}
    </Page>
  );
}

/** Something by its name, its id muted beside it; the id alone when the entry kept no name. */
function NamedId({ name, id }: { name: string | null; id: string }) {
  return name ? (
    <>
      {name} <span class="muted mono">{id}</span>
    </>
  ) : (
    <span class="mono">{id}</span>
  );
}
