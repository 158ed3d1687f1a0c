import { describe, expect, it } from 'vitest';
import { cancelWindowEnds, deletionGuaranteedBy, isCancellable } from '../../src/domain/dates.js';

const requestTime = new Date('2026-11-28T10:15:00Z');

describe('LivePerson windows', () => {
  it('the cancel window ends 5 days after the request', () => {
    expect(cancelWindowEnds(requestTime).toISOString()).toBe('2026-12-03T10:15:00.000Z');
  });

  it('deletion is guaranteed 25 days after the request (5-day window + 20 days)', () => {
    expect(deletionGuaranteedBy(requestTime).toISOString()).toBe('2026-12-23T10:15:00.000Z');
  });

  it('is cancellable until the last millisecond of the window, not at its end', () => {
    const end = cancelWindowEnds(requestTime).getTime();
    expect(isCancellable(requestTime, requestTime)).toBe(true);
    expect(isCancellable(requestTime, new Date(end - 1))).toBe(true);
    expect(isCancellable(requestTime, new Date(end))).toBe(false);
    expect(isCancellable(requestTime, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('never treats an invalid request time as cancellable', () => {
    expect(isCancellable(new Date('nonsense'), requestTime)).toBe(false);
  });
});
