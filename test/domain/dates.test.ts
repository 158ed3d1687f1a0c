import { describe, expect, it } from 'vitest';
import {
  CROCKFORD_ALPHABET,
  REQUEST_ID_PATTERN,
  cancelWindowEnds,
  deletionGuaranteedBy,
  isCancellable,
  newRequestId,
} from '../../src/domain/dates.js';

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

describe('newRequestId', () => {
  it('looks like DR- and six Crockford base32 characters', () => {
    for (let i = 0; i < 200; i += 1) expect(newRequestId()).toMatch(REQUEST_ID_PATTERN);
  });

  it('maps the injected random numbers onto the alphabet', () => {
    const values = [0, 0.999999, 10 / 32, 31 / 32, 0.5, 1];
    let i = 0;
    expect(newRequestId(() => values[i++] ?? 0)).toBe('DR-0ZAZGZ');
  });

  it('avoids the ambiguous letters I, L, O and U', () => {
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it('does not repeat in practice (200 ids from a billion values)', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newRequestId()));
    expect(ids.size).toBe(200);
  });
});
