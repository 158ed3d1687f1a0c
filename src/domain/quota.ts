import { refuse, type Permission, type QuotaMoment, type QuotaStatus } from './outcome.js';
import { wallClock, zonedInstant } from './zoned-time.js';

/*
 * LivePerson limits deletion requests per calendar month but never says in which time zone the month
 * runs, so the zone is configurable (QUOTA_TIMEZONE, an IANA name). All functions take the zone
 * explicitly and the clock as an argument; an invalid zone name throws a RangeError (config validates it).
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The quota month `now` falls in, as `yyyy-mm` in time zone `tz`. */
export function quotaMonth(now: Date, tz: string): string {
  return wallClock(now, tz).format('YYYY-MM');
}

/** The instant the next quota month starts: the 1st of next month at 00:00 in `tz`. */
export function nextQuotaReset(now: Date, tz: string): Date {
  return monthRange(quotaMonth(now, tz), tz).end;
}

export interface MonthRange {
  /** First day of the month, `yyyy-mm-dd` (LivePerson's get query format). */
  fromDate: string;
  /** Last day of the month, `yyyy-mm-dd`, inclusive. */
  toDate: string;
  /** The 1st at 00:00 in the zone. */
  start: Date;
  /** The 1st of the next month at 00:00 in the zone: exclusive end. */
  end: Date;
}

/** Months already worked out, by zone and month: a month's range never changes (bounded, see below). */
const ranges = new Map<string, MonthRange>();

/** The calendar month `yyyy-mm` in `tz`, as query dates and as instants. Throws on a malformed month. */
export function monthRange(month: string, tz: string): MonthRange {
  const key = `${tz} ${month}`;
  const known = ranges.get(key);
  // A copy: callers may keep or change what they get.
  if (known) return { ...known, start: new Date(known.start), end: new Date(known.end) };
  const range = computeMonthRange(month, tz);
  if (ranges.size >= 256) ranges.clear(); // a handful of months are ever asked for; never grows unbounded
  ranges.set(key, range);
  return { ...range, start: new Date(range.start), end: new Date(range.end) };
}

function computeMonthRange(month: string, tz: string): MonthRange {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`Expected a month as yyyy-mm, got "${month}"`);
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1;
  const daysInMonth = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
  // Midnight on the 1st (the first instant of that day when midnight is skipped); month 12 is next January.
  return {
    fromDate: `${month}-01`,
    toDate: `${month}-${String(daysInMonth).padStart(2, '0')}`,
    start: zonedInstant(year, monthIndex, 1, 0, 0, tz),
    end: zonedInstant(year, monthIndex + 1, 1, 0, 0, tz),
  };
}

// ---------------------------------------------------------------------------------------------------
// Quota status and refusals
// ---------------------------------------------------------------------------------------------------

/**
 * What quotaStatus works from: `spent` is LivePerson's 429 this month (the threshold is reached whatever
 * our count says); `pendingApprovals` are filed, not yet approved (each uses one unit once approved).
 */
type QuotaInput = Omit<QuotaStatus, 'remaining' | 'pendingApprovals'> & { pendingApprovals?: number };

export function quotaStatus(input: QuotaInput): QuotaStatus {
  const remaining = input.spent ? 0 : Math.max(0, input.limit - input.used);
  return {
    used: input.used,
    limit: input.limit,
    remaining,
    spent: remaining === 0,
    pendingApprovals: Math.max(0, input.pendingApprovals ?? 0),
    ...(input.resetsAt ? { resetsAt: input.resetsAt } : {}),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  };
}

/** May a new request be filed for approval? Refused only when nothing can be submitted this month. */
export function canFile(quota: QuotaStatus): Permission<'QUOTA_SPENT'> {
  return quota.spent ? refuse({ code: 'QUOTA_SPENT', at: 'filing', quota }) : { ok: true };
}

/** May an approved request be sent to LivePerson now? Sending past the threshold only earns a 429. */
export function canSubmit(quota: QuotaStatus): Permission<'QUOTA_SPENT'> {
  return quota.spent ? refuse({ code: 'QUOTA_SPENT', at: 'approval', quota }) : { ok: true };
}

/**
 * Several requests under one approval are filed and approved whole or not at all: refused when the month
 * has fewer than `needed` requests left (a plan half-submitted would leave a person half-erased).
 */
export function canTakePlan(
  quota: QuotaStatus,
  needed: number,
  at: QuotaMoment = 'filing',
): Permission<'QUOTA_SHORT'> {
  if (needed <= 1 || quota.remaining >= needed) return { ok: true };
  return refuse({ code: 'QUOTA_SHORT', at, needed, quota });
}
