import { describe, expect, it } from 'vitest';
import { cancelWindowEnds, deletionGuaranteedBy } from '../../src/domain/dates.js';

const requestTime = new Date('2026-11-28T10:15:00Z');

describe('LivePerson windows', () => {
  it('the cancel window ends 5 days after the request', () => {
    expect(cancelWindowEnds(requestTime).toISOString()).toBe('2026-12-03T10:15:00.000Z');
  });

  it('deletion is guaranteed 25 days after the request (5-day window + 20 days)', () => {
    expect(deletionGuaranteedBy(requestTime).toISOString()).toBe('2026-12-23T10:15:00.000Z');
  });
});
