import type { VNode } from 'preact';
import { href } from '../router';
import { ConnectionList, ConnectionPage } from './connections';
import { EventsPage, WebhookPage, WebhooksPage } from './events';

/** Navigation to the events, webhooks and provisioning pages. */
export function extraNav(current: string): VNode {
  return (
    <>
      <a href={href('events')} aria-current={current === 'events' || current === 'webhooks' ? 'page' : undefined}>
        Events & webhooks
      </a>
      <a href={href('connections')} aria-current={current === 'connections' ? 'page' : undefined}>
        Provisioning
      </a>
    </>
  );
}

export function extraPages([top, id]: string[]): VNode | null {
  if (top === 'events') return <EventsPage key={id ?? ''} {...(id ? { directory: id } : {})} />;
  if (top === 'webhooks') return id ? <WebhookPage key={id} id={id} /> : <WebhooksPage />;
  if (top === 'connections') return id ? <ConnectionPage key={id} id={id} /> : <ConnectionList />;
  return null;
}
