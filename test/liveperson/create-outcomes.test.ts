import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeForPeople } from '../../src/liveperson/describe-for-people.js';
import type { SandboxInjection } from '../../sandbox/rtbf/types.js';
import { lpFailure, sandboxAuth, startHarness, type Harness } from './fixtures.js';

/**
 * Issue 12: only a definite refusal of a create (a 4xx, 429 included) is a definite failure. Any other
 * answer that may follow LivePerson filing the request is LP_OUTCOME_UNKNOWN, so nobody files it twice.
 * The sandbox really files the request first (`carryOut`) and then answers badly, over real HTTP.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.sandbox.close();
});

describe('a create LivePerson carried out but answered badly is LP_OUTCOME_UNKNOWN', () => {
  it('200 with an empty body', async () => {
    h.sandbox.inject({ kind: 'create', status: 200, rawBody: '', carryOut: true });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({
      code: 'LP_OUTCOME_UNKNOWN',
      httpStatus: 200,
      operation: 'create',
      retryable: false,
    });
    expect(err.message).toContain('empty body');
    expect(h.sandbox.requests.map((r) => r.ids)).toEqual([['c-1']]); // it exists at LivePerson
    expect(h.kindCount('create')).toBe(1);
    const people = describeForPeople(err);
    expect(people.what).toContain('could not be read');
    expect(people.what).toContain('may or may not exist');
    expect(people.next).toContain('`status`');
  });

  it.each<[string, SandboxInjection]>([
    ['201 with an HTML page', { kind: 'create', status: 201, rawBody: '<html>gateway</html>' }],
    ['201 with JSON of the wrong shape', { kind: 'create', status: 201, body: { ok: true } }],
    ['200 with two records', { kind: 'create', status: 200, body: [{ request_id: 1 }, { request_id: 2 }] }],
    ['204 No Content', { kind: 'create', status: 204 }],
    ['500', { kind: 'create', status: 500 }],
    ['502 from a gateway', { kind: 'create', status: 502, rawBody: '<html>Bad gateway</html>' }],
    ['503', { kind: 'create', status: 503 }],
    ['a redirect', { kind: 'create', status: 302, rawBody: '' }],
  ])('%s, sent once and never retried', async (_what, injection) => {
    h.sandbox.inject({ ...injection, carryOut: true });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', httpStatus: injection.status, retryable: false });
    expect(h.sandbox.requests).toHaveLength(1);
    expect(h.kindCount('create')).toBe(1);
    expect(h.retries()).toBe(0);
    expect(describeForPeople(err).what).toContain('may or may not exist');
  });

  it('a 5xx is unknown even when LivePerson in fact filed nothing: the client cannot tell', async () => {
    h.sandbox.inject({ kind: 'create', status: 500 });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_OUTCOME_UNKNOWN', httpStatus: 500 });
    expect(describeForPeople(err).what).toContain('internal error (HTTP 500)');
    expect(h.sandbox.requests).toHaveLength(0);
  });

  it('never names the ids it sent', async () => {
    const ids = ['consumer-secret-person-1'];
    h.sandbox.inject({ kind: 'create', status: 201, rawBody: `{"consumer":["${ids[0]}"]`, carryOut: true });
    const err = await lpFailure(h.client().create('consumer', ids));
    const text = `${String(err)} ${JSON.stringify(err)} ${JSON.stringify(describeForPeople(err))}`;
    expect(text).not.toContain(ids[0]);
    expect(JSON.stringify(h.logs)).not.toContain(ids[0]);
  });
});

describe('a definite refusal of a create stays a definite failure', () => {
  it.each([
    [400, 'LP_BAD_REQUEST'],
    [403, 'LP_FORBIDDEN'],
    [404, 'LP_NOT_FOUND'],
    [429, 'LP_QUOTA_REACHED'],
  ] as const)('%i is %s', async (status, code) => {
    h.sandbox.inject({ kind: 'create', status });
    const err = await lpFailure(h.client().create('consumer', ['c-1']));
    expect(err).toMatchObject({ code, httpStatus: status, retryable: false });
    expect(h.sandbox.requests).toHaveLength(0);
  });

  it('401 (credentials refused) is LP_UNAUTHORIZED', async () => {
    const client = h.client({ auth: { kind: 'bearer', token: 'wrong' } });
    const err = await lpFailure(client.create('consumer', ['c-1']));
    expect(err).toMatchObject({ code: 'LP_UNAUTHORIZED', httpStatus: 401 });
  });

  it('LivePerson’s own 400 (a rule it enforces) keeps its reason', async () => {
    const client = h.client({ auth: sandboxAuth('bearer') });
    const err = await lpFailure(client.create('ticketing', ['12191053030']));
    expect(err).toMatchObject({ code: 'LP_BAD_REQUEST', httpStatus: 400 });
  });

  it('a good answer is still a record', async () => {
    await expect(h.client().create('consumer', ['c-1'])).resolves.toMatchObject({ isCanceled: false });
  });
});
