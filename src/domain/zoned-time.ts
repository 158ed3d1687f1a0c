import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { DAY_MS, MINUTE_MS } from './durations.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/*
 * Wall-clock time in an IANA zone, with dayjs's utc and timezone plugins. An invalid zone name throws a
 * RangeError, as Intl does (config validates it).
 *
 * Two things dayjs's `tz()` does not do well, and how this file avoids them:
 * - It builds an Intl formatter on every call (≈250 µs), and the quota month and today's date are asked
 *   for on every request and notice. So the zone's offset is kept for the minute it was read in: since
 *   the 1970s every zone changes its offset on a whole minute, so an offset read for one instant holds
 *   for the rest of that minute and nothing is stale across a DST change.
 * - Its wall fields go through the host's own zone, and come out an hour late in the hour the host's
 *   clocks skip. So a wall clock here is a dayjs in UTC mode shifted by the zone's offset: its fields and
 *   `format()` are the zone's wall time on any host (it is a reading, not an instant).
 */

/** Per zone: the offset (ms east of UTC) in force during one UTC minute. */
const offsets = new Map<string, { minute: number; offsetMs: number }>();

/** The zone's offset from UTC at instant `ms` (milliseconds east of UTC; negative west of it). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const minute = Math.floor(ms / MINUTE_MS);
  const cached = offsets.get(tz);
  if (cached?.minute === minute) return cached.offsetMs;
  const offsetMs =
    dayjs(minute * MINUTE_MS)
      .tz(tz)
      .utcOffset() * MINUTE_MS;
  offsets.set(tz, { minute, offsetMs });
  return offsetMs;
}

/** The wall-clock time in `tz` at `at`: read its fields (`year()`, `month()` 0–11, …) or `format()` it. */
export function wallClock(at: Date, tz: string): Dayjs {
  return dayjs.utc(at.getTime() + zoneOffsetMs(at.getTime(), tz));
}

/**
 * The instant a wall-clock time occurs in `tz`. When it occurs twice (clocks go back), the first; when
 * it does not occur (clocks go forward over it), the instant the clocks jumped past it, so that midnight
 * skipped on the 1st still gives the month's first instant. (dayjs.tz(wall, tz) picks between two
 * occurrences by the offset in force *now*, so its answer would change with the season.)
 */
export function zonedInstant(
  year: number,
  monthIndex: number,
  day: number,
  hour: number,
  minute: number,
  tz: string,
): Date {
  const local = Date.UTC(year, monthIndex, day, hour, minute);
  // Offsets a day either side of the wall time: at most one change lies in between.
  const before = zoneOffsetMs(local - DAY_MS, tz);
  const after = zoneOffsetMs(local + DAY_MS, tz);
  const earlier = local - Math.max(before, after);
  const later = local - Math.min(before, after);
  for (const t of [earlier, later]) {
    if (t + zoneOffsetMs(t, tz) === local) return new Date(t);
  }
  // A skipped wall time: the change happened at the instant the old offset reached it.
  return new Date(local - before);
}

/** Today's calendar date in time zone `tz`, as `yyyy-mm-dd`: the one "today in the team's zone". */
export function todayIn(now: Date, tz: string): string {
  return wallClock(now, tz).format('YYYY-MM-DD');
}

/** `Tue 1 Dec 2026 at 00:00` (English, 24-hour), the time `at` shows in `tz`. */
export function readableTime(at: Date, tz: string): string {
  return wallClock(at, tz).format('ddd D MMM YYYY [at] HH:mm');
}
