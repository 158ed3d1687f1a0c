import { DAY_MS } from './durations.js';

/*
 * GDPR Art. 12(3): the controller answers a data subject's request "within one month of receipt". A
 * period of a month, counted as Regulation (EEC, Euratom) No 1182/71 Art. 3 does, ends on the same day
 * of the next month, or on that month's last day when the day does not exist (31 January → 28/29
 * February). Dates here are calendar dates (`yyyy-mm-dd`) without a time or zone: the day the request
 * arrived, as the privacy team records it.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days before the deadline from which it is shown as near. */
export const DEADLINE_WARNING_DAYS = 7;

/** True for a real calendar date written `yyyy-mm-dd` (no 31 April, no 29 February 2027). */
export function isCalendarDate(value: string): boolean {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Why the day the data subject asked cannot be used: not a real `yyyy-mm-dd` day, or after today. */
export type SubjectDateProblem = 'not_a_date' | 'in_the_future';

/** The problem with a data-subject date on `today`, if any (both `yyyy-mm-dd`). */
export function subjectDateProblem(date: string, today: string): SubjectDateProblem | undefined {
  if (!isCalendarDate(date)) return 'not_a_date';
  return date > today ? 'in_the_future' : undefined;
}

/** The last day to answer a request received on `receivedOn` (`yyyy-mm-dd`). Throws on a malformed date. */
export function gdprDeadline(receivedOn: string): string {
  const match = CALENDAR_DATE.exec(receivedOn);
  if (!match || !isCalendarDate(receivedOn)) {
    throw new RangeError(`Expected a date as yyyy-mm-dd, got "${receivedOn}"`);
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return formatDate(next.year, next.month, Math.min(day, daysInMonth(next.year, next.month)));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

type DeadlineUrgency = 'ok' | 'near' | 'today' | 'passed';

export interface DeadlineStatus {
  /** `yyyy-mm-dd`: the last day to answer. */
  deadline: string;
  /** Calendar days from today to the deadline; negative once it has passed. */
  daysLeft: number;
  urgency: DeadlineUrgency;
}

/** Where a request received on `receivedOn` stands on `today` (both `yyyy-mm-dd`). */
export function deadlineStatus(
  receivedOn: string,
  today: string,
  warningDays: number = DEADLINE_WARNING_DAYS,
): DeadlineStatus {
  const deadline = gdprDeadline(receivedOn);
  const daysLeft = daysBetween(today, deadline);
  const urgency: DeadlineUrgency =
    daysLeft < 0 ? 'passed' : daysLeft === 0 ? 'today' : daysLeft <= warningDays ? 'near' : 'ok';
  return { deadline, daysLeft, urgency };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
