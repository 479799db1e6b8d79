import { api } from './api';
import { useLoad } from './use-load';

/** Directory names by id, so pages show "acme" where the API gives dir_…; the connections' event stream is named too. */
export function useDirectoryNames(): Map<string, string> {
  const list = useLoad(() => api<{ directories: { id: string; name: string }[] }>('GET', '/directories'), []);
  return new Map([['connections', 'provisioning connections'], ...(list.data?.directories ?? []).map((d): [string, string] => [d.id, d.name])]);
}
