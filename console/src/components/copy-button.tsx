import { useState } from 'preact/hooks';
import { errors } from '../api';

/** Copies a value to the clipboard and says so (for screen readers too). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      errors.emit('The browser refused to copy; select the text and copy it by hand.');
    }
  };
  return (
    <button type="button" class="secondary" onClick={copy} aria-label={label}>
      {copied ? 'Copied' : 'Copy'}
      <span class="visually-hidden" aria-live="polite">
        {copied ? ' copied to the clipboard' : ''}
      </span>
    </button>
  );
}
