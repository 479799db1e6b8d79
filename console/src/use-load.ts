import { useCallback, useEffect, useState } from 'preact/hooks';

/** Loads data when its key changes; `reload` fetches it again after a change. Errors reach the banner through api(). */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data: T | undefined; failed: boolean; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setFailed(false);
    load().then(
      (value) => current && setData(value),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [...key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, failed, reload };
}
