/** Fixed lengths of time in milliseconds: the one definition (calendar days in a zone are in zoned-time.ts). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The UTC calendar date (`yyyy-mm-dd`) of an instant given in milliseconds. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A calendar date (`yyyy-mm-dd`) moved by whole days, as `yyyy-mm-dd`. */
export function shiftDate(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}
