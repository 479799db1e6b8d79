import { hostname } from 'node:os';

/** Leases (provisioning cycles, webhook streams) name their owner `host:pid:random`. */
/** Whether a lease owner is a process on this host that no longer runs. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
