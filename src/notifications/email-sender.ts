import { createTransport, type Transporter } from 'nodemailer';
import type { SendResult } from '../webhooks/webhook-sender.js';
import type { RenderedEmail } from './email-render.js';

/**
 * Sends notification e-mails over SMTP with nodemailer: `smtp://` upgrades with STARTTLS when
 * the server offers it, `smtps://` speaks TLS from the start; a user and password in the URL
 * log in. One transport per process, made on first use.
 */
export class EmailSender {
  private transport?: Transporter;

  constructor(private readonly options: { smtpUrl?: string; from?: string; timeoutMs: number }) {}

  async send(to: string, email: RenderedEmail): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { smtpUrl, from } = this.options;
    if (!smtpUrl || !from) {
      const missing = !smtpUrl ? 'no SMTP server: start scimd serve with --smtp-url (SCIMD_SMTP_URL)' : 'no sender: start scimd serve with --notify-from (SCIMD_NOTIFY_FROM)';
      return { ok: false, statusCode: null, durationMs: 0, error: missing, responseExcerpt: null };
    }
    this.transport ??= createTransport({
      url: smtpUrl,
      connectionTimeout: this.options.timeoutMs,
      greetingTimeout: this.options.timeoutMs,
      socketTimeout: this.options.timeoutMs,
    });
    try {
      const info = await this.transport.sendMail({ from, to, subject: email.subject, text: email.text, html: email.html });
      const accepted = (info.accepted ?? []).length > 0;
      return {
        ok: accepted,
        statusCode: null,
        durationMs: elapsed(),
        error: accepted ? null : `the server refused ${to}`,
        responseExcerpt: typeof info.response === 'string' ? info.response.slice(0, 512) : null,
      };
    } catch (error) {
      const err = error as { message?: string; response?: string };
      return { ok: false, statusCode: null, durationMs: elapsed(), error: (err.response ?? err.message ?? String(error)).slice(0, 512), responseExcerpt: null };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
