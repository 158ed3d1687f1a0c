/*
 * How start-up says what the doctor's checks found (src/doctor/checks word each finding as a cause and one
 * fix; `npm run -s doctor` prints them as `detail → fix`). Start-up says each on one line of stderr, the
 * cause first, then the fix: a refusal to start, or a warning when it carries on.
 */

/** The fix when a check names none: the doctor says more. */
const RUN_THE_DOCTOR = 'run npm run -s doctor';

/** `lp-delete cannot start: <cause>. Fix: <fix>.` — a StartupError's one line; the process exits 1. */
export function startupRefusal(detail: string, fix: string): string {
  return `lp-delete cannot start: ${detail}. Fix: ${fix}.`;
}

/** `lp-delete: <cause>. Fix: <fix>.` — start-up carries on. */
export function startupWarning(detail: string, fix: string = RUN_THE_DOCTOR): string {
  return `lp-delete: ${detail}. Fix: ${fix}.`;
}
