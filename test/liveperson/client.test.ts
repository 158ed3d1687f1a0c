import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_RETRY } from '../../src/liveperson/gateway.js';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import { AUTH_KINDS, lpFailure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';
const OTHER_CONVERSATION = 'a2776761-5e66-4ea8-83e7-a955cd925471';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.sandbox.close();
});

describe.each(AUTH_KINDS)('every method with %s credentials', (kind) => {
  it('creates, gets, lists and cancels', async () => {
    const client = h.client({ auth: sandboxAuth(kind) });
    const created = await client.create('conversation', [CONVERSATION, OTHER_CONVERSATION]);
    expect(created).toMatchObject({
      siteId: '20762324',
      isCanceled: false,
      cancelledBy: null,
      requestTime: '2025-03-10T12:00:00.000Z',
      deleteJson: JSON.stringify({ conversation: [CONVERSATION, OTHER_CONVERSATION] }),
    });
    expect(h.sandbox.requests.map((r) => r.ids)).toEqual([[CONVERSATION, OTHER_CONVERSATION]]);

    const fetched = await client.get(created.requestId);
    expect(fetched).toMatchObject({ requestId: created.requestId, status: 'NOT_STARTED' });

    const listed = await client.list({ status: 'NOT_STARTED', fromDate: '2025-03-01', toDate: '2025-03-31' });
    expect(listed.map((r) => r.requestId)).toEqual([created.requestId]);

    const cancelled = await client.cancel(created.requestId);
    expect(cancelled).toMatchObject({ requestId: created.requestId, isCanceled: true });
    expect(cancelled.cancelledBy).toBe(created.requestedBy);
    expect((await client.get(created.requestId))?.status).toBe('CANCELED');
  });

  it('records who asked, as LivePerson does', async () => {
    const created = await h.client({ auth: sandboxAuth(kind) }).create('consumer', ['c-1']);
    const expected = { oauth2: 'sandbox-client', oauth1: 'sandbox-app-key', bearer: 'bearer-user' }[kind];
    expect(created.requestedBy).toBe(expected);
  });

  it('checks the set-up', async () => {
    const result = await h.client({ auth: sandboxAuth(kind) }).check();
    const host = new URL(h.sandbox.url).host;
    expect(result).toEqual({
      rtbfHost: host,
      authKind: kind,
      tokenOk: true,
      ...(kind === 'oauth2' ? { sentinelHost: host } : {}),
    });
    expect(h.kindCount('token')).toBe(kind === 'oauth2' ? 1 : 0);
  });
});

describe('list filters', () => {
  it('filters by status and inclusive dates', async () => {
    h.sandbox.addExternalRequest({ requestTime: '2025-02-28T23:59:59Z' });
    h.sandbox.addExternalRequest({ requestTime: '2025-03-01T00:00:00Z', canceled: true });
    h.sandbox.addExternalRequest({ requestTime: '2025-03-10T08:00:00Z' });
    const client = h.client();
    expect(await client.list()).toHaveLength(3);
    expect(await client.list({ fromDate: '2025-03-01', toDate: '2025-03-10' })).toHaveLength(2);
    expect(await client.list({ fromDate: '2025-03-01', status: 'CANCELED' })).toHaveLength(1);
    expect(await client.list({ toDate: '2025-02-28' })).toHaveLength(1);
  });

  it('refuses a malformed date before calling LivePerson', async () => {
    const err = await lpFailure(h.client().list({ fromDate: '1.3.2025' }));
    expect(err.code).toBe('LP_BAD_REQUEST');
    expect(h.kindCount('list')).toBe(0);
  });
});

describe('error classes', () => {
  it('400 keeps LivePerson’s message', async () => {
    const err = await lpFailure(h.client().create('ticketing', ['12191053030']));
    expect(err).toMatchObject({ code: 'LP_BAD_REQUEST', httpStatus: 400, retryable: false });
    expect(err.message).toContain('ticketing is only valid for legacy accounts');
    expect(describeForPeople(err).what).toContain('ticketing is only valid');
  });

  it('400 detail never repeats the ids sent', async () => {
    h.sandbox.inject({
      kind: 'create',
      status: 400,
      body: { message: `Invalid conversation id ${CONVERSATION}` },
    });
    const err = await lpFailure(h.client().create('conversation', [CONVERSATION]));
    expect(err.message).toContain('Invalid conversation id [redacted]');
    expect(err.message).not.toContain(CONVERSATION);
  });

  it('401 with a static bearer is not retried', async () => {
    const err = await lpFailure(
      h.client({ auth: { kind: 'bearer', token: 'wrong' } }).create('consumer', ['c']),
    );
    expect(err).toMatchObject({ code: 'LP_UNAUTHORIZED', httpStatus: 401 });
    expect(h.kindCount('create')).toBe(1);
    expect(h.sandbox.requests).toHaveLength(0);
  });

  it('401 from Sentinel (wrong client) is LP_UNAUTHORIZED', async () => {
    const client = h.client({ auth: { kind: 'oauth2', clientId: 'sandbox-client', clientSecret: 'nope' } });
    const err = await lpFailure(client.create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_UNAUTHORIZED', httpStatus: 401, operation: 'token' });
    expect(h.kindCount('create')).toBe(0);
  });

  it('403 for another account, and when the key lacks permission', async () => {
    const other = h.client({ accountId: '999', rtbfUrl: h.sandbox.url, auth: sandboxAuth('bearer') });
    expect((await lpFailure(other.list({}))).code).toBe('LP_FORBIDDEN');
    h.sandbox.inject({ kind: 'create', status: 403 });
    const err = await lpFailure(h.client().create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_FORBIDDEN', httpStatus: 403 });
    expect(describeForPeople(err).next).toContain('Data Deletion');
  });

  it('404: get answers null, cancel throws LP_NOT_FOUND', async () => {
    const client = h.client();
    expect(await client.get('999999')).toBeNull();
    const err = await lpFailure(client.cancel('999999'));
    expect(err).toMatchObject({ code: 'LP_NOT_FOUND', httpStatus: 404 });
  });

  it('429 on create is the monthly threshold, counted per UTC calendar month', async () => {
    await h.sandbox.close();
    h = await startHarness({ monthlyLimit: 2 });
    h.sandbox.addExternalRequest({ requestTime: '2025-03-01T00:00:00Z' });
    h.sandbox.addExternalRequest({ requestTime: '2025-02-28T23:59:59Z' }); // last month: does not count
    const client = h.client();
    await client.create('consumer', ['c-1']);
    const err = await lpFailure(client.create('consumer', ['c-2']));
    expect(err).toMatchObject({ code: 'LP_QUOTA_REACHED', httpStatus: 429, retryable: false });
    expect(describeForPeople(err).next).toContain('1st');
    expect(h.kindCount('create')).toBe(2);
    h.clock.set('2025-04-01T00:00:00Z');
    await expect(client.create('consumer', ['c-2'])).resolves.toMatchObject({ isCanceled: false });
  });

  it('500 on create is not retried, and LivePerson may have filed it: outcome unknown', async () => {
    h.sandbox.inject({ kind: 'create', status: 500 });
    const err = await lpFailure(h.client().create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', httpStatus: 500 });
    expect(h.kindCount('create')).toBe(1);
    expect(h.retries()).toBe(0);
    expect(describeForPeople(err).what).toContain('internal error');
  });

  it('500 on a read is LP_SERVER_ERROR', async () => {
    h.sandbox.inject({ kind: 'list', status: 500 });
    const err = await lpFailure(h.client({}, { retry: NO_RETRY }).list());
    expect(err).toMatchObject({ code: 'LP_SERVER_ERROR', httpStatus: 500 });
    expect(describeForPeople(err).what).toContain('LivePerson had an internal error');
  });

  it('cancel outside the window or twice is refused with LivePerson’s reason', async () => {
    const client = h.client();
    const record = await client.create('consumer', ['c']);
    await client.cancel(record.requestId);
    const twice = await lpFailure(client.cancel(record.requestId));
    expect(twice.message).toContain('already canceled');

    const late = await client.create('consumer', ['d']);
    h.clock.advance(5 * 24 * 3600 * 1000 + 1000);
    const err = await lpFailure(client.cancel(late.requestId));
    expect(err).toMatchObject({ code: 'LP_BAD_REQUEST', httpStatus: 400 });
    expect(err.message).toContain('cancellation window has passed');
    expect(describeForPeople(err).next).toContain('within 5 days');
    expect((await client.get(late.requestId))?.status).toBe('IN_PROGRESS');
    h.clock.advance(20 * 24 * 3600 * 1000);
    expect((await client.get(late.requestId))?.status).toBe('DONE');
  });
});

describe('answer quirks', () => {
  const base = { request_id: '777', siteId: 'le20762324', request_time: '2025-03-10T12:00:00.000Z' };

  it('get accepts an object instead of an array, and an empty array means none', async () => {
    const client = h.client();
    h.sandbox.inject({ kind: 'get', status: 200, body: { ...base, status: 'OPEN', approved_by: 'x' } });
    expect(await client.get('777')).toMatchObject({ requestId: '777', siteId: '20762324', status: 'OPEN' });
    h.sandbox.inject({ kind: 'get', status: 200, body: [] });
    expect(await client.get('777')).toBeNull();
  });

  it('create accepts a one-element array and siteid in lower case; cancel accepts an object', async () => {
    const client = h.client();
    h.sandbox.inject({
      kind: 'create',
      status: 201,
      body: [{ ...base, request_id: 777, delete_json: { consumer: ['c'] } }],
    });
    expect(await client.create('consumer', ['c'])).toMatchObject({
      requestId: '777',
      deleteJson: '{"consumer":["c"]}',
    });
    h.sandbox.inject({
      kind: 'cancel',
      status: 200,
      body: { request_id: 777, siteid: '20762324', is_canceled: true },
    });
    expect(await client.cancel('777')).toMatchObject({
      requestId: '777',
      isCanceled: true,
      cancelledBy: null,
    });
  });

  it('list accepts a lone object', async () => {
    h.sandbox.inject({ kind: 'list', status: 200, body: { ...base, status: 'DONE' } });
    expect(await h.client().list()).toEqual([expect.objectContaining({ requestId: '777', status: 'DONE' })]);
  });

  it('an unreadable answer is LP_BAD_RESPONSE, or an unknown outcome after a create', async () => {
    h.sandbox.inject({ kind: 'create', status: 201, rawBody: '<html>gateway</html>' });
    const err = await lpFailure(h.client().create('consumer', ['c']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', httpStatus: 201, operation: 'create' });
    expect(describeForPeople(err).next).toContain('Before trying again');
    h.sandbox.inject({ kind: 'list', status: 200, body: [{ no_id: true }] });
    expect((await lpFailure(h.client().list())).code).toBe('LP_BAD_RESPONSE');
    h.sandbox.inject({ kind: 'list', status: 302, rawBody: '' });
    expect(await lpFailure(h.client().list())).toMatchObject({
      code: 'LP_BAD_RESPONSE',
      httpStatus: 302,
    });
  });
});
