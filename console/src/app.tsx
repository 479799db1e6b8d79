import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, signedOut } from './api';
import { ErrorBanner } from './components/error-banner';
import { href, useRoute } from './router';
import type { Session } from './types';
import { AuditPage } from './pages/audit';
import { DirectoryPage } from './pages/directory';
import { Overview } from './pages/overview';
import { ResourceDetail, ResourceList } from './pages/resources';
import { SignIn } from './pages/sign-in';
import { extraPages, extraNav } from './pages/extra-pages';

/** Signed in or not; then the page the hash names. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    api<Session>('GET', '/session', { quiet: true }).then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      () => setSession(null),
    );
    return signedOut.subscribe((detail) => {
      setCsrfToken(null);
      setNotice(detail);
      setSession(null);
    });
  }, []);
  const signOut = async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken(null);
    setNotice('You signed out.');
    setSession(null);
  };
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.querySelector<HTMLElement>('#main h1')?.focus())}>
        Skip to content
      </a>
      <ErrorBanner />
      {session === undefined ? null : session === null ? (
        <SignIn
          notice={notice}
          onSignedIn={(s) => {
            setNotice(null);
            setSession(s);
          }}
        />
      ) : (
        <Shell session={session} onSignOut={signOut} />
      )}
    </>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const top = route[0] ?? '';
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={href()}>
          scimd
        </a>
        <nav aria-label="Main">
          <a href={href()} aria-current={top === '' || top === 'directories' ? 'page' : undefined}>
            Directories
          </a>
          {extraNav(top)}
          <a href={href('audit')} aria-current={top === 'audit' ? 'page' : undefined}>
            Audit log
          </a>
        </nav>
        <div class="who">
          <span class="muted" title={`Session ends after ${session.idleTimeoutSeconds / 60} idle minutes`}>
            {session.adminSecret.name} …{session.adminSecret.suffix}
          </span>
          <button type="button" class="secondary small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{page(route)}</main>
    </div>
  );
}

function page(route: string[]) {
  const [top, id, kind, item] = route;
  if (top === 'directories' && id) {
    if (kind === 'users' || kind === 'groups') return item ? <ResourceDetail key={item} directory={id} kind={kind} id={item} /> : <ResourceList key={kind} directory={id} kind={kind} />;
    return <DirectoryPage key={id} id={id} />;
  }
  if (top === 'audit') return <AuditPage />;
  const extra = extraPages(route);
  if (extra) return extra;
  return <Overview />;
}
