import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quotaMonth } from '../../src/domain/quota.js';
import { readableTime, todayIn, wallClock, zonedInstant, zoneOffsetMs } from '../../src/domain/zoned-time.js';
import { AWKWARD_ZONES } from '../support/zones.js';

dayjs.extend(utc);
dayjs.extend(timezone);

const at = (iso: string) => new Date(iso);
const ZONES = AWKWARD_ZONES;

/** What a fresh formatter says, with no cache in between: the reference. */
function reference(instant: Date, tz: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

const shown = (instant: Date, tz: string) => wallClock(instant, tz).format('YYYY-MM-DD HH:mm:ss');

describe('the cached offset', () => {
  it('is right on both sides of a DST change, asked in any order', () => {
    // Berlin: summer time starts 2026-03-29T01:00Z (+01:00 → +02:00), ends 2026-10-25T01:00Z.
    const instants = [
      '2026-03-29T00:59:59.999Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T00:59:30.000Z',
      '2026-10-25T00:59:59.999Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-03-29T01:00:00.001Z',
    ].map(at);
    for (const instant of [...instants, ...instants.reverse()]) {
      expect(shown(instant, 'Europe/Berlin')).toBe(reference(instant, 'Europe/Berlin'));
    }
    expect(zoneOffsetMs(at('2026-03-29T00:59:59.999Z').getTime(), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(at('2026-03-29T01:00:00.000Z').getTime(), 'Europe/Berlin')).toBe(7_200_000);
  });

  it('turns the quota month and the day at the right instant the day after a DST change', () => {
    // Repeated calls in the same zone (the cache warm), just before and after midnight on the 1st.
    expect(quotaMonth(at('2026-10-31T22:59:59Z'), 'Europe/Berlin')).toBe('2026-10');
    expect(quotaMonth(at('2026-10-31T23:00:00Z'), 'Europe/Berlin')).toBe('2026-11');
    expect(todayIn(at('2026-10-31T22:59:59Z'), 'Europe/Berlin')).toBe('2026-10-31');
    expect(todayIn(at('2026-10-31T23:00:00Z'), 'Europe/Berlin')).toBe('2026-11-01');
    expect(quotaMonth(at('2026-03-31T21:59:59Z'), 'Europe/Berlin')).toBe('2026-03');
    expect(quotaMonth(at('2026-03-31T22:00:00Z'), 'Europe/Berlin')).toBe('2026-04');
  });

  it('agrees with a fresh formatter for any instant and zone (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, tz) => {
          expect(shown(instant, tz)).toBe(reference(instant, tz));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('zonedInstant', () => {
  it('gives the first of two occurrences, and the jump for a skipped time', () => {
    // New York leaves summer time 2026-11-01 at 02:00 (01:30 occurs twice).
    expect(zonedInstant(2026, 10, 1, 1, 30, 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // Santiago skips midnight on 2026-09-06 (00:00 -04:00 → 01:00 -03:00).
    expect(zonedInstant(2026, 8, 6, 0, 0, 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('round-trips any wall time that exists (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, tz) => {
          const whole = new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
          const w = wallClock(whole, tz);
          const back = zonedInstant(w.year(), w.month(), w.date(), w.hour(), w.minute(), tz);
          // The same wall time; the same instant unless that wall time occurs twice (then the first).
          expect(shown(back, tz)).toBe(shown(whole, tz));
          expect(back.getTime()).toBeLessThanOrEqual(whole.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('readableTime', () => {
  it('reads as the dayjs format it replaces (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, tz) => {
          expect(readableTime(instant, tz)).toBe(dayjs(instant).tz(tz).format('ddd D MMM YYYY [at] HH:mm'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('throws on an unknown zone, as before', () => {
    expect(() => quotaMonth(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
