/** Previous/next over a SCIM ListResponse's startIndex and totalResults. */
export function Pager({ startIndex, count, total, onPage, label }: { startIndex: number; count: number; total: number; onPage: (start: number) => void; label: string }) {
  const last = Math.min(total, startIndex + count - 1);
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <span role="status">{total ? `${startIndex}–${last} of ${total}` : 'None found'}</span>
      <button type="button" class="secondary small" disabled={startIndex <= 1} onClick={() => onPage(Math.max(1, startIndex - count))}>
        Previous
      </button>
      <button type="button" class="secondary small" disabled={last >= total} onClick={() => onPage(startIndex + count)}>
        Next
      </button>
    </nav>
  );
}
