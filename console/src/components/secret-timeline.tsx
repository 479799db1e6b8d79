import { shortDate } from '../format';
import type { Secret } from '../types';

const DAY = 86_400_000;
const ROW = 28;
const LEFT = 4;
const WIDTH = 640;

/**
 * Each secret's validity as a bar from creation to expiry (or revocation), with today and the
 * start of each secret's warning window marked, so an admin sees at a glance which secret runs
 * out first and whether its successor overlaps it.
 */
export function SecretTimeline({ secrets, warningDays, now = Date.now() }: { secrets: Secret[]; warningDays: number; now?: number }) {
  if (!secrets.length) return null;
  const ends = secrets.map((s) => endOf(s, now));
  const start = Math.min(now - 7 * DAY, ...secrets.map((s) => Date.parse(s.created)));
  const end = Math.max(now + 30 * DAY, ...ends);
  const x = (t: number) => LEFT + ((t - start) / (end - start)) * (WIDTH - 2 * LEFT);
  const height = secrets.length * ROW + 34;
  const description = secrets
    .map((s) => `${s.name}: ${s.state}, from ${shortDate(s.created)} to ${s.revokedAt ? `revoked ${shortDate(s.revokedAt)}` : s.expiresAt ? shortDate(s.expiresAt) : 'no expiry'}`)
    .join('; ');
  return (
    <figure class="timeline">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Secret validity timeline. ${description}`} preserveAspectRatio="xMinYMin meet">
        {secrets.map((s, i) => {
          const from = x(Date.parse(s.created));
          const to = x(ends[i]);
          const warnAt = s.expiresAt && !s.revokedAt ? Date.parse(s.expiresAt) - warningDays * DAY : null;
          const y = 20 + i * ROW;
          return (
            <g key={s.id} class={`bar state-${s.state}`}>
              <rect x={from} y={y} width={Math.max(2, to - from)} height={ROW - 10} rx={3} />
              {!s.expiresAt && !s.revokedAt && <text x={to - 4} y={y + 13} text-anchor="end" class="bar-label">→ no expiry</text>}
              {warnAt !== null && warnAt > Date.parse(s.created) && <line class="warning-mark" x1={x(warnAt)} x2={x(warnAt)} y1={y - 2} y2={y + ROW - 8} />}
              <text x={from + 4} y={y + 13} class="bar-label">
                {s.name} …{s.suffix}
              </text>
            </g>
          );
        })}
        <line class="today" x1={x(now)} x2={x(now)} y1={12} y2={height - 18} />
        <text class="axis-label today-label" x={x(now)} y={10} text-anchor={x(now) < 40 ? 'start' : 'middle'}>
          today
        </text>
        <text class="axis-label" x={LEFT} y={height - 6}>
          {shortDate(new Date(start).toISOString())}
        </text>
        <text class="axis-label" x={WIDTH - LEFT} y={height - 6} text-anchor="end">
          {shortDate(new Date(end).toISOString())}
        </text>
      </svg>
      <figcaption>
        Bars run from creation to expiry or revocation. <span class="legend today-legend">Today</span> is the vertical line;
        <span class="legend warning-legend"> the tick on a bar</span> is where its {warningDays}-day expiry warning starts.
      </figcaption>
    </figure>
  );
}

function endOf(secret: Secret, now: number): number {
  if (secret.revokedAt) return Date.parse(secret.revokedAt);
  if (secret.expiresAt) return Date.parse(secret.expiresAt);
  return now + 60 * DAY; // drawn to past today, labelled "no expiry"
}
