import type { NotificationMessage } from './notification-message.js';

/**
 * A Slack incoming-webhook body: `text` (shown in notifications and by clients without blocks)
 * and Block Kit blocks: a header, the summary, the facts as fields, the steps, a link button.
 */
export function slackPayload(message: NotificationMessage): object {
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${icon(message)} ${message.title}`, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(message.summary) } },
  ];
  if (message.facts.length) {
    // Slack allows at most ten fields in a section.
    blocks.push({ type: 'section', fields: message.facts.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${slackEscape(label)}*\n${slackEscape(value)}` })) });
  }
  if (message.steps.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*What to do next*\n${message.steps.map((s, i) => `${i + 1}. ${slackEscape(s)}`).join('\n')}` } });
  }
  if (message.link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: truncate(message.link.label, 75) }, url: message.link.url }] });
  }
  return { text: `${message.title}: ${message.summary}`, blocks };
}

/**
 * A Microsoft Teams incoming-webhook body: an Adaptive Card (1.4) in a message attachment, which
 * both Teams' Workflows webhooks and the older connector webhooks display.
 */
export function teamsPayload(message: NotificationMessage): object {
  const body: object[] = [
    { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true, color: message.severity === 'info' ? 'Good' : message.severity === 'warning' ? 'Warning' : 'Attention' },
    { type: 'TextBlock', text: message.summary, wrap: true },
  ];
  if (message.facts.length) body.push({ type: 'FactSet', facts: message.facts.map(([title, value]) => ({ title, value })) });
  if (message.steps.length) {
    body.push({ type: 'TextBlock', text: 'What to do next', weight: 'Bolder', wrap: true });
    body.push({ type: 'TextBlock', text: message.steps.map((s, i) => `${i + 1}. ${s}`).join('\r'), wrap: true });
  }
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(message.link ? { actions: [{ type: 'Action.OpenUrl', title: message.link.label, url: message.link.url }] } : {}),
  };
  return { type: 'message', summary: message.title, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

function icon(message: NotificationMessage): string {
  return message.severity === 'critical' ? '🔴' : message.severity === 'warning' ? '🟠' : '🟢';
}

/** Slack's mrkdwn gives &, < and > meaning; everything else is shown as written. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
