import type { TracedCall } from '../../support/strace.js';

/** What the trace shows for one acknowledged write, or why it shows no proof of durability. */
export type Verdict =
  | { ok: true; marker: string; syncMicros: number; syncToAnswerMicros: number }
  | { ok: false; marker: string; problem: string };

const isSocket = (call: TracedCall) => call.target.startsWith('TCP:');
const isSend = (call: TracedCall) => call.name === 'write' || call.name === 'writev' || call.name === 'sendto';
const sameFile = (a: TracedCall, b: TracedCall) => a.fd === b.fd && a.target === b.target;

/**
 * The request that carried `marker` into the server and the first byte of its answer: the first
 * socket read holding the marker, then the first send on that same socket.
 */
function requestAndAnswer(calls: TracedCall[], marker: Buffer): { request: TracedCall; answer: TracedCall } | string {
  const request = calls.find((c) => c.name === 'read' && isSocket(c) && c.data.includes(marker));
  if (!request) return 'no socket read carries the request';
  const answer = calls.find((c) => isSend(c) && sameFile(c, request) && c.start > request.end);
  if (!answer) return `no answer was sent on ${request.target}`;
  if (!/^HTTP\/1\.1 2\d\d /.test(answer.data.toString('latin1'))) return `the answer is not a 2xx: ${answer.data.toString('latin1', 0, 40)}`;
  return { request, answer };
}

/** SQLite's WAL frame header: 24 bytes, bytes 4–7 the database size after a commit, else 0. */
const isFrameHeader = (call: TracedCall) => call.name === 'pwrite64' && call.data.length === 24;
const isCommitFrame = (call: TracedCall) => isFrameHeader(call) && call.data.readUInt32BE(4) !== 0;

/**
 * SQLite: the write's transaction is the run of WAL frames that first holds the marker, up to its
 * commit frame. Some fdatasync (or fsync) of the WAL must begin after the commit frame's last byte
 * was written and end before the first byte of the answer.
 */
export function sqliteVerdict(calls: TracedCall[], walPath: string, marker: string): Verdict {
  const bytes = Buffer.from(marker);
  const found = requestAndAnswer(calls, bytes);
  if (typeof found === 'string') return { ok: false, marker, problem: found };
  const { request, answer } = found;
  const wal = calls.filter((c) => c.name === 'pwrite64' && c.target === walPath);
  const first = wal.findIndex((c) => c.start > request.end && !isFrameHeader(c) && c.data.includes(bytes));
  if (first < 0) return { ok: false, marker, problem: 'no WAL frame holds the write' };
  let header = first - 1;
  while (header >= 0 && !isFrameHeader(wal[header])) header--;
  let commit = Math.max(header, 0);
  while (commit < wal.length && !isCommitFrame(wal[commit])) commit++;
  const lastWrite = wal[commit + 1];
  if (!lastWrite) return { ok: false, marker, problem: 'the transaction has no commit frame' };
  if (lastWrite.end > answer.start) return { ok: false, marker, problem: 'answered before the transaction was in the WAL' };
  const sync = calls.find(
    (c) => (c.name === 'fdatasync' || c.name === 'fsync') && c.target === walPath && c.start > lastWrite.end && c.end < answer.start,
  );
  if (!sync) {
    const late = calls.find((c) => (c.name === 'fdatasync' || c.name === 'fsync') && c.target === walPath && c.start > lastWrite.end);
    const where = late ? `the next sync of the WAL ended at trace position ${late.end}, after the answer at ${answer.start}` : 'no sync of the WAL followed it';
    return { ok: false, marker, problem: `acknowledged without a WAL sync between commit and answer (${where})` };
  }
  return { ok: true, marker, syncMicros: sync.durationMicros, syncToAnswerMicros: answer.startMicros - (sync.startMicros + sync.durationMicros) };
}

/**
 * PostgreSQL: the last statement that sent the marker to the database, then what committed it on
 * that connection, whose reply must have been read before the first byte of the answer. (With
 * synchronous_commit on, the server flushes its WAL before sending that reply.) A statement run
 * outside BEGIN commits on its own: its ReadyForQuery says idle ('I'), and that reply is the
 * confirmation. Inside a transaction ('T') it is the COMMIT that follows.
 */
export function postgresVerdict(calls: TracedCall[], marker: string): Verdict {
  const bytes = Buffer.from(marker);
  const found = requestAndAnswer(calls, bytes);
  if (typeof found === 'string') return { ok: false, marker, problem: found };
  const { request, answer } = found;
  const sent = calls.filter((c) => isSend(c) && isSocket(c) && !sameFile(c, request) && c.data.includes(bytes) && c.start > request.end && c.end < answer.start);
  const statement = sent[sent.length - 1];
  if (!statement) return { ok: false, marker, problem: 'the write never reached the database' };
  const statementReply = calls.find((c) => c.name === 'read' && sameFile(c, statement) && c.start > statement.end && readyForQuery(c.data) !== undefined);
  if (statementReply && readyForQuery(statementReply.data) === 'I') {
    if (statementReply.end > answer.start) return { ok: false, marker, problem: 'answered before PostgreSQL confirmed the statement that committed it' };
    return { ok: true, marker, syncMicros: statementReply.startMicros + statementReply.durationMicros - statement.startMicros, syncToAnswerMicros: answer.startMicros - statementReply.startMicros };
  }
  const commitQuery = Buffer.from('COMMIT\0');
  const commit = calls.find((c) => isSend(c) && sameFile(c, statement) && c.start > statement.end && c.data.includes(commitQuery));
  if (!commit) return { ok: false, marker, problem: 'no COMMIT followed the write on its connection' };
  const reply = calls.find((c) => c.name === 'read' && sameFile(c, commit) && c.start > commit.end && c.data.includes(commitQuery));
  if (!reply || reply.end > answer.start) return { ok: false, marker, problem: 'answered before PostgreSQL confirmed the COMMIT' };
  return { ok: true, marker, syncMicros: reply.startMicros + reply.durationMicros - commit.startMicros, syncToAnswerMicros: answer.startMicros - reply.startMicros };
}

/** The transaction status of the last ReadyForQuery message ('Z', length 5) in bytes read from PostgreSQL. */
function readyForQuery(data: Buffer): string | undefined {
  const at = data.lastIndexOf(Buffer.from([0x5a, 0, 0, 0, 5]));
  return at >= 0 && at + 5 < data.length ? String.fromCharCode(data[at + 5]) : undefined;
}
