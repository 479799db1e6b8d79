import { useEffect, useState } from 'preact/hooks';
import { ApiError, errors } from '../api';

/**
 * Every failure in one visible place: failed requests and uncaught script errors, so nothing
 * fails silently. Announced to screen readers as an alert; each message can be dismissed.
 */
export function ErrorBanner() {
  const [messages, setMessages] = useState<{ id: number; text: string }[]>([]);
  useEffect(() => {
    let next = 0;
    const add = (text: string) => setMessages((list) => [...list.filter((m) => m.text !== text), { id: next++, text }].slice(-4));
    const unsubscribe = errors.subscribe(add);
    const onError = (event: ErrorEvent) => add(`The console hit an error: ${event.message}`);
    const onRejection = (event: PromiseRejectionEvent) => {
      // Failed API calls were announced already; anything else is a bug worth showing.
      if (event.reason instanceof ApiError) return;
      const reason = event.reason as { message?: string } | undefined;
      add(`The console hit an error: ${reason?.message ?? String(event.reason)}`);
    };
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onRejection);
    return () => {
      unsubscribe();
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
    };
  }, []);
  if (!messages.length) return null;
  return (
    <div class="error-banner" role="alert" data-testid="error-banner">
      {messages.map((m) => (
        <p key={m.id}>
          <span>{m.text}</span>
          <button type="button" class="link" onClick={() => setMessages((list) => list.filter((x) => x.id !== m.id))} aria-label="Dismiss this error">
            Dismiss
          </button>
        </p>
      ))}
    </div>
  );
}
