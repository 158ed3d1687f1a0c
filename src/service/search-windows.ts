import { DAY_MS } from '../domain/durations.js';
import type { TimeRange } from '../liveperson/history/msg-history-client.js';

/* What a person search covers: the identifier's kind, and the windows LivePerson's history APIs accept. */

/** LivePerson keeps history 13 months. */
export const RETENTION_MONTHS = 13;
/**
 * Window lengths. LivePerson allows 3 months (messaging) and 1 month (chat) and rounds each window out to
 * 10 minutes; the shortest 3 calendar months are 89 days and the shortest month 28, hence these.
 */
export const MESSAGING_WINDOW_DAYS = 88;
export const CHAT_WINDOW_DAYS = 27;
/** A LivePerson consumer id (`participantId`) is a UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type IdentifierKind = 'email' | 'consumer_id' | 'text';

export function identifierKind(identifier: string): IdentifierKind {
  const value = identifier.trim();
  if (UUID.test(value)) return 'consumer_id';
  if (EMAIL.test(value)) return 'email';
  return 'text';
}

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
