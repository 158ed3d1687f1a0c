import { randomInt } from 'node:crypto';
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

/** True while the cancel window is open. An invalid date is never cancellable. */
export function isCancellable(requestTime: Date, now: Date): boolean {
  return now.getTime() < cancelWindowEnds(requestTime).getTime();
}

/** Crockford base32: no I, L, O or U, so ids read aloud or typed by hand are not confused. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REQUEST_ID_LENGTH = 6;
export const REQUEST_ID_PATTERN = /^DR-[0-9A-HJKMNP-TV-Z]{6}$/;

/**
 * A new local request id such as `DR-7K3QX9` (32^6 ≈ 1 billion values). `random` returns a number in
 * [0, 1) like Math.random and exists for tests; by default the characters come from node:crypto.
 */
export function newRequestId(random?: () => number): string {
  const pick = random
    ? () =>
        Math.min(CROCKFORD_ALPHABET.length - 1, Math.max(0, Math.floor(random() * CROCKFORD_ALPHABET.length)))
    : () => randomInt(CROCKFORD_ALPHABET.length);
  let id = 'DR-';
  for (let i = 0; i < REQUEST_ID_LENGTH; i += 1) id += CROCKFORD_ALPHABET.charAt(pick());
  return id;
}
