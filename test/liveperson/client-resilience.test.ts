import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_RETRY, RETRY_POLICIES } from '../../src/liveperson/gateway.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { closedPortUrl, lpFailure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.sandbox.close();
});

describe('OAuth 2.0 tokens', () => {
  it('a token revoked between two calls: one fresh token, one retry, success', async () => {
    const client = h.client();
    await client.create('consumer', ['c-1']);
    h.sandbox.expireTokens();
    await client.create('consumer', ['c-2']);
    expect(h.kindCount('token')).toBe(2);
    expect(h.sandbox.calls.filter((c) => c.kind === 'create').map((c) => c.status)).toEqual([201, 401, 201]);
    expect(h.sandbox.requests).toHaveLength(2);
  });

  it('a 401 that persists after the fresh token is reported, after exactly one retry', async () => {
    h.sandbox.inject({ kind: 'create', status: 401, times: 5 });
    const err = await lpFailure(h.client().create('consumer', ['c']));
    expect(err.code).toBe('LP_UNAUTHORIZED');
    expect(h.kindCount('create')).toBe(2);
    expect(h.kindCount('token')).toBe(2);
  });

  it('renews a token before expires_in runs out, without a 401', async () => {
    await h.sandbox.close();
    h = await startHarness({ tokenTtlSeconds: 600 });
    const client = h.client();
    await client.list();
    h.clock.advance(539_000); // within the 60 s margin
    await client.list();
    expect(h.kindCount('token')).toBe(1);
    h.clock.advance(2_000);
    await client.list();
    expect(h.kindCount('token')).toBe(2);
    expect(h.sandbox.calls.every((c) => c.status !== 401)).toBe(true);
  });

  it('concurrent callers share one token fetch', async () => {
    const client = h.client();
    await Promise.all([client.list(), client.list(), client.get('1'), client.list()]);
    expect(h.kindCount('token')).toBe(1);
  });
});

describe('retries', () => {
  it('get retries a 500 and then succeeds', async () => {
    const record = h.sandbox.addExternalRequest();
    h.sandbox.inject({ kind: 'get', status: 500 });
    const got = await h.client().get(String(record.requestId));
    expect(got?.requestId).toBe(String(record.requestId));
    expect(h.kindCount('get')).toBe(2);
    expect(h.retries()).toBe(1);
  });

  it('reads wait 1, 2 and 4 s between tries (LivePerson suggests 5/10/15 s; a person waits in Slack)', () => {
    expect(RETRY_POLICIES.deletion).toEqual({ unavailable: { retries: 3, minTimeout: 1000, factor: 2 } });
  });

  it('list follows the injected backoff schedule and gives up after it', async () => {
    h.sandbox.inject({ kind: 'list', status: 503, times: 10 });
    const retry = { unavailable: { retries: 2, minTimeout: 5, factor: 2 } };
    const err = await lpFailure(h.client({}, { retry }).list());
    expect(err).toMatchObject({ code: 'LP_SERVER_ERROR', httpStatus: 503 });
    expect(h.kindCount('list')).toBe(3);
    expect(h.retries()).toBe(2);
  });

  it('list retries a dropped connection', async () => {
    h.sandbox.inject({ kind: 'list', drop: true });
    expect(await h.client().list()).toEqual([]);
    expect(h.sandbox.calls.filter((c) => c.kind === 'list').map((c) => c.dropped ?? false)).toEqual([
      true,
      false,
    ]);
  });

  it('cancel is never retried', async () => {
    const record = h.sandbox.addExternalRequest();
    h.sandbox.inject({ kind: 'cancel', status: 502 });
    const err = await lpFailure(h.client().cancel(String(record.requestId)));
    expect(err.code).toBe('LP_SERVER_ERROR');
    expect(h.kindCount('cancel')).toBe(1);
  });
});

describe('lost answers', () => {
  it('a create that times out is LP_OUTCOME_UNKNOWN, sent exactly once, and may well exist', async () => {
    h.sandbox.inject({ kind: 'create', delayMs: 2000 });
    const err = await lpFailure(h.client({ timeoutMs: 300 }).create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', retryable: false, operation: 'create' });
    expect(h.kindCount('create')).toBe(1);
    expect(h.sandbox.requests).toHaveLength(1); // LivePerson did it; only the answer was lost
    expect(describeForPeople(err).next).toContain('`status`');
  });

  it('a create whose connection drops is LP_OUTCOME_UNKNOWN', async () => {
    h.sandbox.inject({ kind: 'create', drop: true });
    const err = await lpFailure(h.client().create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', networkCode: 'ECONNRESET' });
    expect(h.kindCount('create')).toBe(1);
  });

  it('a cancel whose connection drops is LP_OUTCOME_UNKNOWN', async () => {
    const record = h.sandbox.addExternalRequest();
    h.sandbox.inject({ kind: 'cancel', drop: true });
    const err = await lpFailure(h.client().cancel(String(record.requestId)));
    expect(err.code).toBe('LP_OUTCOME_UNKNOWN');
  });

  it('connection refused is LP_UNREACHABLE: nothing was sent', async () => {
    const url = await closedPortUrl();
    const client = h.client({ rtbfUrl: url, auth: sandboxAuth('bearer') });
    const err = await lpFailure(client.create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_UNREACHABLE', networkCode: 'ECONNREFUSED', retryable: true });
    expect(describeForPeople(err).what).toContain('nothing was sent');
  });

  it('a token fetch that times out is not an unknown outcome: no create was sent', async () => {
    h.sandbox.inject({ kind: 'token', delayMs: 2000 });
    const err = await lpFailure(h.client({ timeoutMs: 300 }).create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_UNREACHABLE', operation: 'token' });
    expect(h.kindCount('create')).toBe(0);
  });
});

describe('Domain API', () => {
  it('looks hosts up once per minute', async () => {
    const client = h.client({ auth: sandboxAuth('bearer') });
    await client.list();
    await client.list();
    expect(h.kindCount('domain')).toBe(1);
    h.clock.advance(61_000);
    await client.list();
    expect(h.kindCount('domain')).toBe(2);
  });

  it('keeps the last good host when a refresh fails', async () => {
    const client = h.client({ auth: sandboxAuth('bearer') });
    await client.list();
    h.clock.advance(61_000);
    h.sandbox.inject({ kind: 'domain', status: 500 });
    await expect(client.list()).resolves.toEqual([]);
    expect(h.sandbox.calls.filter((c) => c.kind === 'domain').map((c) => c.status)).toEqual([200, 500]);
    expect(h.logs.some((l) => l.event === 'lp.domain.stale')).toBe(true);
  });

  it('without a last good host, a failed look-up is LP_DOMAIN_LOOKUP_FAILED', async () => {
    h.sandbox.inject({ kind: 'domain', status: 500 });
    const err = await lpFailure(h.client({ auth: sandboxAuth('bearer') }).create('consumer', ['c']));
    expect(err.code).toBe('LP_DOMAIN_LOOKUP_FAILED');
    expect(h.kindCount('create')).toBe(0);
  });

  it('an unknown account is LP_DOMAIN_LOOKUP_FAILED', async () => {
    const err = await lpFailure(h.client({ accountId: '1' }, { retry: NO_RETRY }).list());
    expect(err).toMatchObject({ code: 'LP_DOMAIN_LOOKUP_FAILED', httpStatus: 404 });
  });

  it('callers sharing one failed look-up all get its failure, and a 404 is not retried', async () => {
    const client = h.client({ accountId: '1' });
    const errors = await Promise.all([client.list(), client.get('1'), client.list()].map(lpFailure));
    for (const err of errors) {
      expect(err).toMatchObject({ code: 'LP_DOMAIN_LOOKUP_FAILED', httpStatus: 404, retryable: false });
    }
    expect(h.kindCount('domain')).toBe(1);
    expect(h.retries()).toBe(0);
  });

  it('a garbled baseURI is refused', async () => {
    h.sandbox.inject({
      kind: 'domain',
      status: 200,
      body: { service: 'rtbf', baseURI: 'not a host/../x?y' },
    });
    const err = await lpFailure(h.client({ auth: sandboxAuth('bearer') }).create('consumer', ['c']));
    expect(err.code).toBe('LP_DOMAIN_LOOKUP_FAILED');
  });

  it('LP_RTBF_URL and LP_SENTINEL_URL skip the look-up', async () => {
    const client = h.client({
      rtbfUrl: h.sandbox.url,
      sentinelUrl: h.sandbox.url,
      domainApiUrl: await closedPortUrl(),
    });
    await client.create('consumer', ['c']);
    expect(h.kindCount('domain')).toBe(0);
  });
});
