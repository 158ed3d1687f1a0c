import { DAY_MS } from '../domain/durations.js';
import type { TimeRange } from '../liveperson/history/msg-history-client.js';
import { RETENTION_MONTHS, ROUNDING_MS } from '../liveperson/limits.js';

/** Which time windows a person search asks LivePerson about, from now back to the retention start. */

/** The same moment `months` calendar months earlier (UTC), clamped to that month's last day. */
export function monthsBefore(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return target;
}

/** Back-to-back windows of at most `days`, newest first, from `now` back to the retention start. */
export function searchWindows(now: Date, days: number, retentionMonths = RETENTION_MONTHS): TimeRange[] {
  const oldest = monthsBefore(now, retentionMonths).getTime();
  const windows: TimeRange[] = [];
  let to = now.getTime();
  while (to >= oldest) {
    const from = Math.max(oldest, to - days * DAY_MS + 1);
    windows.push({ from, to });
    to = from - 1;
  }
  return windows;
}

/**
 * Two halves of a window, split on a 10-minute boundary so that each half, once LivePerson has rounded
 * it out, is strictly narrower than the whole; null when the rounded window is a single 10 minutes.
 */
export function splitWindow(window: TimeRange): [TimeRange, TimeRange] | null {
  const from = Math.floor(window.from / ROUNDING_MS) * ROUNDING_MS;
  const to = Math.ceil(window.to / ROUNDING_MS) * ROUNDING_MS;
  if (to - from < 2 * ROUNDING_MS) return null;
  const middle = Math.round((window.from + window.to) / 2 / ROUNDING_MS) * ROUNDING_MS;
  const mid = Math.min(Math.max(middle, from + ROUNDING_MS), to - ROUNDING_MS);
  return [
    { from: window.from, to: mid - 1 },
    { from: mid, to: window.to },
  ];
}
