import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox } from '../../sandbox/rtbf/types.js';
import { ACCOUNT_ID, manualClock } from '../liveperson/fixtures.js';

/** The sandbox itself, over raw HTTP: it must be as strict as LivePerson so it catches client bugs. */

const BEARER = `Bearer ${SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0]}`;
let sandbox: Sandbox;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  clock = manualClock();
  sandbox = await startSandbox({ accountId: `le${ACCOUNT_ID}`, now: clock.now, tokenTtlSeconds: 120 });
});
afterEach(async () => {
  await sandbox.close();
});

const rtbf = (suffix = '', account = ACCOUNT_ID) =>
  `${sandbox.url}/api/account/${account}/personal-data-deletion${suffix}`;

async function post(url: string, body: string | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers: { Authorization: BEARER, ...headers } });
  return { status: res.status, json: (await res.json()) as unknown };
}

const createJson = (body: unknown) =>
  post(rtbf(), JSON.stringify(body), { 'Content-Type': 'application/json' });

describe('Domain API', () => {
  it('answers a bare host for rtbf, sentinel and agentVep; 404 for anything else', async () => {
    for (const service of ['rtbf', 'sentinel', 'agentVep']) {
      const res = await fetch(
        `${sandbox.url}/api/account/${ACCOUNT_ID}/service/${service}/baseURI.json?version=1.0`,
      );
      expect(await res.json()).toEqual({ service, account: ACCOUNT_ID, baseURI: new URL(sandbox.url).host });
    }
    const res = await fetch(`${sandbox.url}/api/account/${ACCOUNT_ID}/service/RTBF/baseURI.json?version=1.0`);
    expect(res.status).toBe(404);
  });
});

describe('Sentinel', () => {
  const tokenUrl = () => `${sandbox.url}/sentinel/api/v2/account/${ACCOUNT_ID}/app/token`;
  const form = (secret: string) =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SANDBOX_DEFAULT_CREDENTIALS.oauth2.clientId,
      client_secret: secret,
    }).toString();

  it('issues JWT-looking tokens that expire', async () => {
    const res = await post(tokenUrl(), form(SANDBOX_DEFAULT_CREDENTIALS.oauth2.clientSecret), {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    const token = (res.json as { access_token: string; expires_in: number }).access_token;
    expect(token.split('.')).toHaveLength(3);
    const list = () => fetch(rtbf(), { headers: { Authorization: `Bearer ${token}` } });
    expect((await list()).status).toBe(200);
    clock.advance(121_000);
    expect((await list()).status).toBe(401);
  });

  it('refuses a wrong secret (401) and a JSON body (400)', async () => {
    const wrong = await post(tokenUrl(), form('nope'), {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(wrong.status).toBe(401);
    const json = await post(tokenUrl(), JSON.stringify({ grant_type: 'client_credentials' }), {
      'Content-Type': 'application/json',
    });
    expect(json.status).toBe(400);
  });
});

describe('create rules', () => {
  it.each([
    [{ conversation: [] }, 'array of 1 to 100'],
    [{ conversation: Array.from({ length: 101 }, (_, i) => `c${i}`) }, 'array of 1 to 100'],
    [{ conversation: ['a', 'a'] }, 'unique'],
    [{ conversation: ['a', ''] }, 'non-empty'],
    [{ conversation: ['a'], consumer: ['b'] }, 'Exactly one'],
    [{ conversations: ['a'] }, 'unsupported field'],
    [{ ticketing: ['12191053030'] }, 'legacy accounts'],
    [['a'], 'JSON object'],
  ])('refuses %j', async (body, message) => {
    const res = await createJson(body);
    expect(res.status).toBe(400);
    expect((res.json as { message: string }).message).toContain(message);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('insists on Content-Type: application/json', async () => {
    const res = await post(rtbf(), JSON.stringify({ consumer: ['c'] }), { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(400);
  });

  it('answers 201 with the documented create shape, siteid in lower case', async () => {
    const res = await createJson({ engagement: ['207623244295067780'] });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      request_id: expect.any(Number),
      siteid: ACCOUNT_ID,
      request_time: clock.now().toISOString(),
      requested_by: 'bearer-user',
      cancelled_by: null,
      delete_json: '{"engagement":["207623244295067780"]}',
      cancel_timestamp: null,
      is_canceled: false,
    });
  });

  it('accepts the account with the le prefix, refuses another account with 403', async () => {
    const body = JSON.stringify({ consumer: ['c'] });
    const ok = await post(rtbf('', `le${ACCOUNT_ID}`), body, { 'Content-Type': 'application/json' });
    expect(ok.status).toBe(201);
    const other = await post(rtbf('', '1'), body, { 'Content-Type': 'application/json' });
    expect(other.status).toBe(403);
  });

  it('refuses unauthenticated calls', async () => {
    const res = await fetch(rtbf(), { method: 'GET' });
    expect(res.status).toBe(401);
  });
});

describe('get, list and cancel', () => {
  it('get answers an array of one in the get shape', async () => {
    const record = sandbox.addExternalRequest({ requestedBy: 'Mike' });
    const res = await fetch(rtbf(`/${record.requestId}`), { headers: { Authorization: BEARER } });
    expect(await res.json()).toEqual([
      {
        request_id: record.requestId,
        siteId: ACCOUNT_ID,
        request_time: record.requestTime,
        requested_by: 'Mike',
        status: 'NOT_STARTED',
      },
    ]);
  });

  it('list refuses unknown filters and bad dates', async () => {
    for (const query of ['?status=OPEN', '?fromDate=2025-3-1', '?toDate=2025-02-30', '?limit=5']) {
      const res = await fetch(rtbf(query), { headers: { Authorization: BEARER } });
      expect(res.status, query).toBe(400);
    }
  });

  it('cancel answers a one-element array and refuses a body', async () => {
    const record = sandbox.addExternalRequest();
    const withBody = await post(rtbf(`/${record.requestId}/cancel`), '{}', {
      'Content-Type': 'application/json',
    });
    expect(withBody.status).toBe(400);
    const res = await post(rtbf(`/${record.requestId}/cancel`), undefined);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      expect.objectContaining({
        request_id: record.requestId,
        is_canceled: true,
        cancelled_by: 'bearer-user',
      }),
    ]);
    expect(sandbox.statusOf(record)).toBe('CANCELED');
  });
});

describe('test controls', () => {
  it('injects, counts calls and resets', async () => {
    sandbox.inject({ kind: 'list', status: 418, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(rtbf(), { headers: { Authorization: BEARER } })).status);
    expect(statuses).toEqual([418, 418, 200]);
    expect(sandbox.calls.map((c) => [c.method, c.kind, c.status])).toEqual([
      ['GET', 'list', 418],
      ['GET', 'list', 418],
      ['GET', 'list', 200],
    ]);
    sandbox.addExternalRequest();
    sandbox.reset();
    expect(sandbox.calls).toHaveLength(0);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('carryOut files the request for real, then answers a 200 with an empty body', async () => {
    sandbox.inject({ kind: 'create', status: 200, rawBody: '', carryOut: true });
    const res = await fetch(rtbf(), {
      method: 'POST',
      body: JSON.stringify({ consumer: ['c-1'] }),
      headers: { Authorization: BEARER, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(sandbox.requests.map((r) => r.ids)).toEqual([['c-1']]);
    expect(sandbox.calls.map((c) => [c.kind, c.status])).toEqual([['create', 200]]);
    // The next create is handled normally again.
    expect((await createJson({ consumer: ['c-2'] })).status).toBe(201);
  });

  it('carryOut still applies LivePerson’s rules: a refused create files nothing', async () => {
    sandbox.inject({ kind: 'create', status: 200, rawBody: '', carryOut: true });
    const res = await fetch(rtbf(), {
      method: 'POST',
      body: 'not json',
      headers: { Authorization: BEARER, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('without carryOut an injected status replaces the call: nothing is filed', async () => {
    sandbox.inject({ kind: 'create', status: 200, rawBody: '' });
    await fetch(rtbf(), {
      method: 'POST',
      body: JSON.stringify({ consumer: ['c-1'] }),
      headers: { Authorization: BEARER, 'Content-Type': 'application/json' },
    });
    expect(sandbox.requests).toHaveLength(0);
  });
});
