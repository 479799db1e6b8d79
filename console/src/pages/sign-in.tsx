import { useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from '../api';
import type { Session } from '../types';

/** Exchanges an admin secret for a session cookie; the secret is not kept in the browser. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice: string | null }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('POST', '/session', { body: { secret: secret.trim() }, quiet: true });
      setCsrfToken(session.csrfToken);
      setSecret('');
      onSignedIn(session);
    } catch (err) {
      setError(err instanceof ApiError ? err.detail : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>Sign in to scimd</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="admin-secret">Admin secret</label>
        <input
          id="admin-secret"
          type="password"
          autocomplete="current-password"
          required
          value={secret}
          onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
        />
        <p class="hint">
          Create one with <code>scimd admin token create</code>. It is exchanged for a session that ends after 30 idle minutes; the secret is not stored in the browser.
        </p>
        {error && (
          <p id="sign-in-error" class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
