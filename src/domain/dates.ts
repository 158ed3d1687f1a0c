import { CANCEL_WINDOW_DAYS, DELETION_GUARANTEE_DAYS } from './types.js';
import { DAY_MS } from './durations.js';

/*
 * LivePerson states its windows in days from the request time, an instant, so they are added as
 * whole 24-hour days: no time zone or DST applies.
 */

/** Until this instant LivePerson still accepts a cancel for the request. */
export function cancelWindowEnds(requestTime: Date): Date {
  return new Date(requestTime.getTime() + CANCEL_WINDOW_DAYS * DAY_MS);
}

/** LivePerson guarantees the data is masked everywhere by this instant (cancel window + 20 days). */
export function deletionGuaranteedBy(requestTime: Date): Date {
  return new Date(requestTime.getTime() + (CANCEL_WINDOW_DAYS + DELETION_GUARANTEE_DAYS) * DAY_MS);
}
