import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the sink accepted, with its bodies decoded. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** Who logged in to send it. */
  user: string | undefined;
  /** Whether the session ran over TLS (STARTTLS or smtps). */
  secure: boolean;
  raw: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on a loopback port that requires a login and keeps every message. */
export interface SmtpSink {
  port: number;
  /** `smtp://user:pass@127.0.0.1:port` */
  url: string;
  mails: ReceivedMail[];
  /** How many of the next messages to refuse with `451` (a temporary failure), for retry tests. */
  refusing: number;
  /** Messages refused so far. */
  refused: number;
  close(): Promise<void>;
}

/**
 * Without `tls` the sink offers no STARTTLS and accepts the login in clear (loopback only). With a
 * certificate it offers STARTTLS and accepts a login only after it (`smtp://`), or speaks TLS from
 * the first byte (`secure`, `smtps://`).
 */
export async function startSmtpSink(credentials = { user: 'scimd', pass: 'mail-password' }, tls?: { cert: string; key: string; secure?: boolean }): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let sink: SmtpSink | undefined;
  const server = new SMTPServer({
    ...(tls ? { key: tls.key, cert: tls.cert, secure: tls.secure === true } : { disabledCommands: ['STARTTLS'] }),
    allowInsecureAuth: !tls,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (sink && sink.refusing > 0) {
          sink.refusing -= 1;
          sink.refused += 1;
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          raw,
          ...decodeMail(raw),
        });
        callback();
      });
    },
  });
  // A client that gives up on the TLS handshake is an expected case in tests, not a crash.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  sink = {
    port,
    url: `${tls?.secure ? 'smtps' : 'smtp'}://${credentials.user}:${credentials.pass}@127.0.0.1:${port}`,
    mails,
    refusing: 0,
    refused: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}

/** Just enough MIME for the tests: the subject and the text/plain and text/html parts, decoded. */
function decodeMail(raw: string): { subject: string; text: string; html: string } {
  const [head = ''] = raw.split(/\r?\n\r?\n/, 1);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeWords(/^subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
  const parts: Record<string, string> = {};
  for (const match of raw.matchAll(/Content-Type: (text\/(?:plain|html))[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*\r?\n((?:[^\r\n]+\r?\n)*?)\r?\n([\s\S]*?)(?=\r?\n--)/gi)) {
    const encoding = /Content-Transfer-Encoding: (\S+)/i.exec(match[2]!)?.[1]?.toLowerCase() ?? '7bit';
    parts[match[1]!.toLowerCase()] = decodeBody(match[3]!, encoding);
  }
  return { subject, text: parts['text/plain'] ?? '', html: parts['text/html'] ?? '' };
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return quotedPrintable(body);
  return body;
}

function quotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** RFC 2047 encoded words in a header (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_all, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : quotedPrintable(data.replace(/_/g, ' ')),
    );
}
