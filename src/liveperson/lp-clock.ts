/**
 * LivePerson's clock, as its answers' `Date` headers show it. Reconciliation compares our submission
 * times with `request_time` in LivePerson's list, which LivePerson stamps with its own clock: a host whose
 * clock is minutes off must not look in the wrong minutes. HTTP's `Date` has a one-second resolution
 * (RFC 9110 §6.6.1), so every reading is good to about a second plus the answer's travel time;
 * `ACCURACY_MS` is what callers add on each side.
 */

/** How far a reading may be off: the header's second, plus travel time. */
export const LP_CLOCK_ACCURACY_MS = 2_000;

export interface LpClockReading {
  /** LivePerson's clock minus ours, in milliseconds. */
  offsetMs: number;
  /** When (our clock) the reading was taken. */
  at: Date;
  /** LivePerson's time now by this reading (the client's clock plus the offset). */
  lpNow?: Date;
}

export class LpClock {
  private last: LpClockReading | undefined;

  constructor(private readonly now: () => Date) {}

  /** Takes the `Date` header of an answer just received; ignores a missing or unreadable one. */
  observe(dateHeader: string | undefined): void {
    if (!dateHeader) return;
    const theirs = Date.parse(dateHeader);
    if (Number.isNaN(theirs)) return;
    const at = this.now();
    // The header drops the milliseconds: LivePerson's time was somewhere in that second, its middle is
    // the best guess.
    this.last = { offsetMs: theirs + 500 - at.getTime(), at };
  }

  /** The latest reading, or undefined before LivePerson has answered with a `Date`. */
  reading(): LpClockReading | undefined {
    if (!this.last) return undefined;
    return { ...this.last, lpNow: new Date(this.now().getTime() + this.last.offsetMs) };
  }
}
