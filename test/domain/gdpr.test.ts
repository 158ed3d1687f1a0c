import { describe, expect, it } from 'vitest';
import { daysBetween, deadlineStatus, gdprDeadline, isCalendarDate } from '../../src/domain/gdpr.js';
import { todayIn } from '../../src/domain/zoned-time.js';

describe('gdprDeadline (Art. 12(3): one calendar month)', () => {
  it.each([
    ['2026-01-15', '2026-02-15'],
    ['2027-01-31', '2027-02-28'], // no 31 February: its last day
    ['2028-01-31', '2028-02-29'], // leap year
    ['2028-01-29', '2028-02-29'],
    ['2026-01-29', '2026-02-28'],
    ['2026-03-31', '2026-04-30'],
    ['2026-08-31', '2026-09-30'],
    ['2026-12-31', '2027-01-31'], // across the year
    ['2026-12-01', '2027-01-01'],
    ['2026-02-28', '2026-03-28'], // same day, not the month's end
  ])('%s → %s', (received, due) => {
    expect(gdprDeadline(received)).toBe(due);
  });

  it('refuses dates that do not exist or are malformed', () => {
    for (const bad of ['2026-02-30', '2027-02-29', '2026-13-01', '2026-1-5', '', 'yesterday'])
      expect(() => gdprDeadline(bad)).toThrow(RangeError);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
  });
});

describe('deadlineStatus', () => {
  it('counts calendar days and says when it is near, due or passed', () => {
    expect(deadlineStatus('2027-01-31', '2027-02-01')).toMatchObject({
      deadline: '2027-02-28',
      daysLeft: 27,
      urgency: 'ok',
    });
    expect(deadlineStatus('2027-01-31', '2027-02-21')).toMatchObject({ daysLeft: 7, urgency: 'near' });
    expect(deadlineStatus('2027-01-31', '2027-02-20')).toMatchObject({ daysLeft: 8, urgency: 'ok' });
    expect(deadlineStatus('2027-01-31', '2027-02-28')).toMatchObject({ daysLeft: 0, urgency: 'today' });
    expect(deadlineStatus('2027-01-31', '2027-03-02')).toMatchObject({ daysLeft: -2, urgency: 'passed' });
  });

  it('is not thrown off by DST: days are calendar days', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
  });
});

describe('todayIn', () => {
  it('is the calendar date in the zone, not UTC', () => {
    const at = new Date('2026-12-31T23:30:00Z');
    expect(todayIn(at, 'UTC')).toBe('2026-12-31');
    expect(todayIn(at, 'Europe/Berlin')).toBe('2027-01-01');
    expect(todayIn(new Date('2027-01-01T03:00:00Z'), 'America/New_York')).toBe('2026-12-31');
  });
});
