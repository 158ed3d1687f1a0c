import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_RETRY } from '../../src/liveperson/gateway.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { LivePersonError } from '../../src/liveperson/liveperson-error.js';
import { lpFailure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

/**
 * Issue 12: a 429 means the month's threshold only on create. On a read (get, list, the Domain API, a
 * token) it is LivePerson rate-limiting reads: wait a minute. A person must never be told the month's
 * quota is spent because a status look-up was throttled.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.sandbox.close();
});

/** The words for a read rate limit, and none of the monthly threshold's. */
function expectReadRateLimitWords(err: LivePersonError) {
  const { what, next } = describeForPeople(err);
  expect(what).toContain('rate-limiting reads');
  expect(next).toContain('Wait a minute');
  expect(`${what} ${next}`).not.toMatch(/threshold|spent|1st of next month|resets/i);
}

describe('429 on a read is LP_RATE_LIMITED, never the monthly threshold', () => {
  it('get', async () => {
    h.sandbox.inject({ kind: 'get', status: 429, times: 10 });
    const err = await lpFailure(h.client({}, { retry: NO_RETRY }).get('127223'));
    expect(err).toMatchObject({
      code: 'LP_RATE_LIMITED',
      httpStatus: 429,
      operation: 'get',
      retryable: true,
    });
    expectReadRateLimitWords(err);
  });

  it('list', async () => {
    h.sandbox.inject({ kind: 'list', status: 429, times: 10 });
    const err = await lpFailure(h.client({}, { retry: NO_RETRY }).list());
    expect(err).toMatchObject({ code: 'LP_RATE_LIMITED', httpStatus: 429, operation: 'list' });
    expectReadRateLimitWords(err);
  });

  it('the Domain API, even when looked up for a create: nothing is filed', async () => {
    h.sandbox.inject({ kind: 'domain', status: 429 });
    const err = await lpFailure(h.client({ auth: sandboxAuth('bearer') }).create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_RATE_LIMITED', httpStatus: 429, operation: 'domain' });
    expectReadRateLimitWords(err);
    expect(h.kindCount('create')).toBe(0);
  });

  it('a token, even when fetched for a create: nothing is filed', async () => {
    h.sandbox.inject({ kind: 'token', status: 429 });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_RATE_LIMITED', httpStatus: 429, operation: 'token' });
    expectReadRateLimitWords(err);
    expect(h.kindCount('create')).toBe(0);
  });

  it('reads are tried again after the pauses and then succeed', async () => {
    h.sandbox.inject({ kind: 'list', status: 429, times: 2 });
    await expect(h.client().list()).resolves.toEqual([]);
    expect(h.retries()).toBe(2);
    expect(h.kindCount('list')).toBe(3);
  });

  it('cancel: rate-limited, not cancelled, try again in a minute', async () => {
    const record = h.sandbox.addExternalRequest();
    h.sandbox.inject({ kind: 'cancel', status: 429 });
    const err = await lpFailure(h.client().cancel(String(record.requestId)));
    expect(err).toMatchObject({ code: 'LP_RATE_LIMITED', operation: 'cancel' });
    const { what, next } = describeForPeople(err);
    expect(what).toContain('not cancelled');
    expect(next).toContain('Wait a minute');
    expect(`${what} ${next}`).not.toMatch(/threshold|spent/i);
    expect(h.kindCount('cancel')).toBe(1);
  });
});

describe('429 on create is the monthly threshold', () => {
  it('LP_QUOTA_REACHED, not retried, people told when it resets', async () => {
    h.sandbox.inject({ kind: 'create', status: 429, times: 5 });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_QUOTA_REACHED', httpStatus: 429, retryable: false });
    expect(describeForPeople(err).what).toContain('monthly threshold');
    expect(describeForPeople(err).what).not.toContain('rate-limiting');
    expect(h.kindCount('create')).toBe(1);
  });
});
