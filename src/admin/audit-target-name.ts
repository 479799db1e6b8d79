import type { AuditEntry, AuditTargetType } from '../store/store.js';

/** What an audit entry is about: its type, its id, and its name as people know it then. */
export interface AuditTarget {
  type: AuditTargetType;
  id: string;
  name: string;
}

/** A secret as every table shows it: its name and its last four characters. */
export function secretTargetName(secret: { name: string; suffix: string }): string {
  return `${secret.name} …${secret.suffix}`;
}

/** A webhook by its receiver's host only: the rest of a receiver URL (a Slack hook's path) can be a credential. */
export function webhookTargetName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unreadable URL)';
  }
}

export function directoryTarget(directory: { id: string; name: string }): AuditTarget {
  return { type: 'directory', id: directory.id, name: directory.name };
}

export function secretTarget(secret: { id: string; name: string; suffix: string; scope: string }): AuditTarget {
  return { type: secret.scope === 'admin' ? 'admin_secret' : 'secret', id: secret.id, name: secretTargetName(secret) };
}

export function webhookTarget(webhook: { id: string; url: string }): AuditTarget {
  return { type: 'webhook', id: webhook.id, name: webhookTargetName(webhook.url) };
}

/**
 * The target's name for an entry written before scimd recorded one, from what its detail kept
 * (created, deleted and secret entries hold the name); null when the detail holds none.
 */
export function targetNameFromDetail(entry: Pick<AuditEntry, 'targetType' | 'detail'>): string | null {
  const { name, suffix, url, recipient } = entry.detail;
  if (entry.targetType === 'secret' || entry.targetType === 'admin_secret') {
    return typeof name === 'string' && typeof suffix === 'string' ? secretTargetName({ name, suffix }) : null;
  }
  if (entry.targetType === 'webhook') {
    if (typeof recipient === 'string') return recipient;
    return typeof url === 'string' ? webhookTargetName(url) : null;
  }
  if (typeof name === 'string') return name;
  // directory.renamed keeps { name: { from, to } }: the directory was called `to` from then on.
  const to = name && typeof name === 'object' && !Array.isArray(name) ? name.to : undefined;
  return typeof to === 'string' ? to : null;
}
