import { DAY_MS, MINUTE_MS } from './durations.js';

/*
 * Wall-clock time in an IANA zone without a date library. dayjs's timezone plugin builds an
 * Intl.DateTimeFormat on every call (tens of microseconds each), and the quota month and today's date
 * are asked for on every request and notice. Here there is one formatter per zone, and the zone's offset
 * is kept for the minute it was computed in: since the 1970s every zone changes its offset on a whole
 * minute, so an offset read for one instant holds for the rest of that minute and nothing is stale across
 * a DST change. An invalid zone name throws a RangeError, as Intl does (config validates it).
 */

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: the offset (ms east of UTC) in force during one UTC minute. */
const offsets = new Map<string, { minute: number; offsetMs: number }>();

function formatter(tz: string): Intl.DateTimeFormat {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, format);
  }
  return format;
}

/** The zone's offset from UTC at instant `ms` (milliseconds east of UTC; negative west of it). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const minute = Math.floor(ms / MINUTE_MS);
  const cached = offsets.get(tz);
  if (cached?.minute === minute) return cached.offsetMs;
  const fields: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(minute * MINUTE_MS)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute: min = 0, second = 0 } = fields;
  const offsetMs = Date.UTC(year, month - 1, day, hour, min, second) - minute * MINUTE_MS;
  offsets.set(tz, { minute, offsetMs });
  return offsetMs;
}

/** The wall-clock time in `tz` at `at`. */
export function wallClock(at: Date, tz: string): WallClock {
  const local = new Date(at.getTime() + zoneOffsetMs(at.getTime(), tz));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/**
 * The instant a wall-clock time occurs in `tz`. When it occurs twice (clocks go back), the first; when
 * it does not occur (clocks go forward over it), the instant the clocks jumped past it, so that midnight
 * skipped on the 1st still gives the month's first instant.
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

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `yyyy-mm-dd` of a wall clock. */
export function calendarDate(wall: WallClock): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** Today's calendar date in time zone `tz`, as `yyyy-mm-dd`: the one "today in the team's zone". */
export function todayIn(now: Date, tz: string): string {
  return calendarDate(wallClock(now, tz));
}

/** `yyyy-mm` of a wall clock. */
export function calendarMonth(wall: WallClock): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Tue 1 Dec 2026 at 00:00` (English, 24-hour), the time `at` shows in `tz`. */
export function readableTime(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
  return `${weekday} ${w.day} ${MONTHS[w.month - 1]} ${w.year} at ${pad(w.hour)}:${pad(w.minute)}`;
}
