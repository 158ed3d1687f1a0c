import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

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

/** Midnight UTC of a `yyyy-mm-dd` date (an ISO instant, so years below 100 stay themselves). */
function midnight(date: string): dayjs.Dayjs {
  return dayjs.utc(`${date}T00:00:00Z`);
}

/** True for a real calendar date written `yyyy-mm-dd` (no 31 April, no 29 February 2027). */
export function isCalendarDate(value: string): boolean {
  return CALENDAR_DATE.test(value) && midnight(value).format('YYYY-MM-DD') === value;
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
  if (!isCalendarDate(receivedOn)) {
    throw new RangeError(`Expected a date as yyyy-mm-dd, got "${receivedOn}"`);
  }
  // dayjs adds a month as Art. 3 counts it: the same day, or the month's last when that day is missing.
  return midnight(receivedOn).add(1, 'month').format('YYYY-MM-DD');
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return midnight(to).diff(midnight(from), 'day');
}

export interface DeadlineStatus {
  /** `yyyy-mm-dd`: the last day to answer. */
  deadline: string;
  /** Calendar days from today to the deadline; negative once it has passed. */
  daysLeft: number;
  urgency: 'ok' | 'near' | 'today' | 'passed';
}

/** Where a request received on `receivedOn` stands on `today` (both `yyyy-mm-dd`). */
export function deadlineStatus(
  receivedOn: string,
  today: string,
  warningDays: number = DEADLINE_WARNING_DAYS,
): DeadlineStatus {
  const deadline = gdprDeadline(receivedOn);
  const daysLeft = daysBetween(today, deadline);
  const urgency: DeadlineStatus['urgency'] =
    daysLeft < 0 ? 'passed' : daysLeft === 0 ? 'today' : daysLeft <= warningDays ? 'near' : 'ok';
  return { deadline, daysLeft, urgency };
}
