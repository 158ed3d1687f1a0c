import { describe, expect, it } from 'vitest';
import { PersonRateLimit } from '../../src/service/rate-limit.js';

describe('PersonRateLimit', () => {
  it('allows `limit` takes in any window per person and says when the next one is allowed', () => {
    const limit = new PersonRateLimit(3, 60_000);
    const at = (s: number) => new Date(Date.UTC(2026, 10, 10, 10, 0, s));
    expect([0, 10, 20].map((s) => limit.take('U1', at(s)).ok)).toEqual([true, true, true]);
    expect(limit.take('U1', at(30))).toEqual({ ok: false, retryAt: at(60) });
    expect(limit.take('U2', at(30)).ok).toBe(true); // someone else is not held up
    expect(limit.take('U1', at(60)).ok).toBe(true); // the first one left the window
    expect(limit.take('U1', at(61)).ok).toBe(false);
  });
});
