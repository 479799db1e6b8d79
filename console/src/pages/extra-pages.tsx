import type { VNode } from 'preact';
import { href } from '../router';
import { ConnectionList, ConnectionPage } from './connections';
import { EventsPage, WebhookPage, WebhooksPage } from './events';
import { NotificationsPage } from './notifications';

/** Navigation to the events, webhooks, provisioning and notifications pages. */
export function extraNav(current: string): VNode {
  return (
    <>
      <a href={href('events')} aria-current={current === 'events' || current === 'webhooks' ? 'page' : undefined}>
        Events & webhooks
      </a>
      <a href={href('connections')} aria-current={current === 'connections' ? 'page' : undefined}>
        Provisioning
      </a>
      <a href={href('notifications')} aria-current={current === 'notifications' ? 'page' : undefined}>
        Notifications
      </a>
    </>
  );
}

export function extraPages([top, id]: string[]): VNode | null {
  if (top === 'events') return <EventsPage key={id ?? ''} {...(id ? { directory: id } : {})} />;
  if (top === 'webhooks') return id ? <WebhookPage key={id} id={id} /> : <WebhooksPage />;
  if (top === 'connections') return id ? <ConnectionPage key={id} id={id} /> : <ConnectionList />;
  if (top === 'notifications') return <NotificationsPage />;
  return null;
}
