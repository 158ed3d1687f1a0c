import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canFile,
  canSubmit,
  monthRange,
  nextQuotaReset,
  quotaMonth,
  quotaStatus,
} from '../../src/domain/quota.js';
import type { QuotaStatus } from '../../src/domain/outcome.js';
import { AWKWARD_ZONES } from '../support/zones.js';

const at = (iso: string) => new Date(iso);

describe('quotaMonth', () => {
  it('is already December in Berlin at 2026-11-30T23:30Z', () => {
    expect(quotaMonth(at('2026-11-30T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12');
    expect(quotaMonth(at('2026-11-30T23:30:00Z'), 'UTC')).toBe('2026-11');
  });

  it('is still November in New York at 2026-12-01T03:00Z', () => {
    expect(quotaMonth(at('2026-12-01T03:00:00Z'), 'America/New_York')).toBe('2026-11');
    expect(quotaMonth(at('2026-12-01T05:00:00Z'), 'America/New_York')).toBe('2026-12');
  });

  it('turns the year in the configured zone, not in UTC', () => {
    expect(quotaMonth(at('2026-12-31T23:59:59Z'), 'Asia/Tokyo')).toBe('2027-01');
    expect(quotaMonth(at('2027-01-01T00:30:00Z'), 'America/Los_Angeles')).toBe('2026-12');
  });
});

describe('nextQuotaReset', () => {
  it('is midnight on the 1st of next month in the zone', () => {
    expect(nextQuotaReset(at('2026-11-15T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2026-11-30T23:00:00.000Z',
    );
    expect(nextQuotaReset(at('2026-11-15T12:00:00Z'), 'UTC').toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('moves to the following month once the month has turned in the zone', () => {
    expect(nextQuotaReset(at('2026-11-30T23:30:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2026-12-31T23:00:00.000Z',
    );
  });

  it('uses the offset in force on the 1st after a DST change during the month', () => {
    // Berlin leaves summer time on 2026-10-25: October starts at +02:00, November at +01:00.
    expect(nextQuotaReset(at('2026-10-10T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2026-10-31T23:00:00.000Z',
    );
    // New York starts summer time on 2026-03-08: March starts at -05:00, April at -04:00.
    expect(nextQuotaReset(at('2026-03-20T12:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-04-01T04:00:00.000Z',
    );
  });
});

describe('monthRange', () => {
  it('gives query dates and instants for a month in a zone', () => {
    expect(monthRange('2026-11', 'America/New_York')).toEqual({
      fromDate: '2026-11-01',
      toDate: '2026-11-30',
      // 1 Nov 2026 is the day New York leaves summer time; midnight is still -04:00.
      start: at('2026-11-01T04:00:00Z'),
      end: at('2026-12-01T05:00:00Z'),
    });
  });

  it('knows month lengths, leap years and the year boundary', () => {
    expect(monthRange('2028-02', 'UTC')).toMatchObject({ fromDate: '2028-02-01', toDate: '2028-02-29' });
    expect(monthRange('2026-02', 'UTC')).toMatchObject({ toDate: '2026-02-28' });
    expect(monthRange('2026-12', 'UTC')).toMatchObject({
      toDate: '2026-12-31',
      end: at('2027-01-01T00:00:00Z'),
    });
  });

  it('handles a zone where summer time starts at midnight (Santiago, September)', () => {
    const range = monthRange('2026-09', 'America/Santiago');
    expect(range.start.toISOString()).toBe('2026-09-01T04:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-10-01T03:00:00.000Z');
  });

  it('throws on a malformed month', () => {
    for (const bad of ['2026-13', '2026-1', '26-11', '2026-11-01', '']) {
      expect(() => monthRange(bad, 'UTC')).toThrow(RangeError);
    }
  });

  it('contains every instant whose quota month it is (property, several zones)', () => {
    const zones = AWKWARD_ZONES;
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, tz) => {
          const month = quotaMonth(now, tz);
          const { start, end } = monthRange(month, tz);
          expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
          expect(now.getTime()).toBeLessThan(end.getTime());
          expect(quotaMonth(start, tz)).toBe(month);
          expect(quotaMonth(new Date(start.getTime() - 1), tz)).not.toBe(month);
          expect(quotaMonth(new Date(end.getTime() - 1), tz)).toBe(month);
          expect(nextQuotaReset(now, tz)).toEqual(end);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quotaStatus', () => {
  it('counts what is left', () => {
    expect(quotaStatus({ used: 40, limit: 100, spent: false })).toEqual({
      used: 40,
      limit: 100,
      remaining: 60,
      spent: false,
      pendingApprovals: 0,
    });
  });

  it('has nothing left once LivePerson answered 429, whatever the count', () => {
    expect(quotaStatus({ used: 40, limit: 100, spent: true })).toMatchObject({ remaining: 0, spent: true });
  });

  it('is spent when the count reaches the limit, and never goes negative', () => {
    expect(quotaStatus({ used: 100, limit: 100, spent: false })).toMatchObject({ remaining: 0, spent: true });
    expect(quotaStatus({ used: 130, limit: 100, spent: false })).toMatchObject({ remaining: 0, spent: true });
  });

  it('keeps pending approvals and the reset time for messages', () => {
    const resetsAt = at('2026-11-30T23:00:00Z');
    expect(
      quotaStatus({
        used: 1,
        limit: 100,
        spent: false,
        pendingApprovals: 3,
        resetsAt,
        timeZone: 'Europe/Berlin',
      }),
    ).toMatchObject({ pendingApprovals: 3, resetsAt, timeZone: 'Europe/Berlin' });
  });
});

describe('canFile and canSubmit', () => {
  const resetsAt = at('2026-11-30T23:00:00Z');
  const status = (used: number, spent = false, pendingApprovals = 0): QuotaStatus =>
    quotaStatus({ used, limit: 100, spent, pendingApprovals, resetsAt, timeZone: 'Europe/Berlin' });

  it('allow filing and submitting while quota remains', () => {
    expect(canFile(status(10))).toEqual({ ok: true });
    expect(canSubmit(status(99))).toEqual({ ok: true });
  });

  it('refuse with QUOTA_SPENT, at filing or at approval, with the quota the words need', () => {
    const spent = status(100);
    expect(canFile(spent)).toEqual({ ok: false, code: 'QUOTA_SPENT', at: 'filing', quota: spent });
    expect(canSubmit(spent)).toEqual({ ok: false, code: 'QUOTA_SPENT', at: 'approval', quota: spent });
    // A 429 before our count reached the limit spends the month too.
    const refused = status(40, true);
    expect(canSubmit(refused)).toEqual({ ok: false, code: 'QUOTA_SPENT', at: 'approval', quota: refused });
  });

  it('let a request be filed while pending approvals would use up what is left', () => {
    expect(canFile(status(97, false, 3))).toEqual({ ok: true });
    expect(canFile(status(97, false, 2))).toEqual({ ok: true });
  });
});
