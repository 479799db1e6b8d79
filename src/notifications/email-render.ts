import type { NotificationMessage } from './notification-message.js';

/** An e-mail's subject and its two bodies. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The same message as plain text (for every mail client) and as simple HTML (no images, no scripts). */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  return { subject: `[scimd] ${message.title}`, text: plainText(message), html: html(message) };
}

function plainText(message: NotificationMessage): string {
  const width = Math.max(...message.facts.map(([label]) => label.length), 0) + 1;
  const lines = [message.summary, ''];
  for (const [label, value] of message.facts) lines.push(`${`${label}:`.padEnd(width + 1)}${value}`);
  if (message.steps.length) {
    lines.push('', 'What to do next:');
    message.steps.forEach((step, index) => lines.push(`${index + 1}. ${step}`));
  }
  if (message.link) lines.push('', `${message.link.label}: ${message.link.url}`);
  lines.push('', '-- ', 'Sent by scimd. Manage notifications with "scimd notify list".');
  return `${lines.join('\n')}\n`;
}

function html(message: NotificationMessage): string {
  const rows = message.facts.map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  const steps = message.steps.length ? `<h3>What to do next</h3><ol>${message.steps.map((s) => `<li>${inlineCode(s)}</li>`).join('')}</ol>` : '';
  const link = message.link ? `<p><a href="${escapeHtml(message.link.url)}">${escapeHtml(message.link.label)}</a></p>` : '';
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(message.title)}</h2>`,
    `<p>${escapeHtml(message.summary)}</p>`,
    `<table>${rows}</table>`,
    steps,
    link,
    '<p style="color:#666">Sent by scimd. Manage notifications with <code>scimd notify list</code>.</p>',
    '</body></html>',
  ].join('\n');
}

/** Steps mark commands with backticks; HTML shows them as code. */
function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
