import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { NOW, PERSON, seedPerson } from '../liveperson/history/fixtures.js';
import { APPROVER, Harness, approveButtonValue } from '../support/harness.js';

/**
 * The intake API end to end (issue 21): real HTTP to the running app, the search against the history
 * stand-ins, the approval clicked in the (fake) Slack, the filing at the LivePerson sandbox, and a
 * callback receiver on loopback that answers 500 once.
 */
const ONETRUST = 'onetrust-token-0123456789abcdef';
const OTHER = 'other-caller-token-0123456789abc';
const SECRET = 'callback-secret-0123456789abcdef0123';
const INTAKE_ENV = { INTAKE_TOKENS: `OneTrust:${ONETRUST},Other:${OTHER}`, INTAKE_CALLBACK_SECRET: SECRET };

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  answered: number;
}

async function receiver(failFirst: number): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = failures > 0 ? 500 : 200;
      failures -= 1;
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('the intake API: POST and GET /api/v1/erasures (real HTTP, fake Slack, sandbox)', () => {
  let h: Harness;
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;
  afterEach(async () => {
    await h.close();
    await new Promise((resolve) => (hook ? hook.server.close(resolve) : resolve(undefined)));
    hook = undefined;
  });

  async function start(env: Record<string, string> = INTAKE_ENV) {
    h = await Harness.start({ now: () => NOW, sandboxNow: () => NOW, history: { pageSize: 5 }, env });
    seedPerson(h.history!, 2);
  }

  const post = (body: unknown, token = ONETRUST, headers: Record<string, string> = {}) =>
    fetch(`${h.appUrl}/api/v1/erasures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (id: string, token = ONETRUST) =>
    fetch(`${h.appUrl}/api/v1/erasures/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const statusOf = async (id: string) => ((await (await get(id)).json()) as { status: string }).status;
  /** Checks an answer against docs/openapi.json as the app serves it. */
  async function matchesOpenApi(name: string, value: unknown) {
    const doc = (await (await fetch(`${h.appUrl}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ ...doc, $id: 'openapi' });
    const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
    expect(validate?.(value), JSON.stringify(validate?.errors)).toBe(true);
  }
  const body = (extra: Record<string, unknown> = {}) => ({
    identifier: PERSON.email,
    case_ref: 'DSR-123',
    received_on: '2026-11-18',
    ...extra,
  });

  it('posted, searched, approved by a person in Slack, filed; GET shows each status; callbacks signed, again after a 500', async () => {
    await start();
    hook = await receiver(1);
    const answer = await post(body({ callback_url: hook.url }), ONETRUST, {
      'idempotency-key': 'case-123-a',
    });
    expect(answer.status).toBe(202);
    const accepted = (await answer.json()) as { id: string; status: string; links: { self: string } };
    expect(accepted).toEqual({
      id: expect.stringMatching(/^ER-[0-9a-f]{24}$/) as unknown,
      status: 'searching',
      links: { self: `/api/v1/erasures/${accepted.id}` },
    });

    const message = await h.slack.waitFor(() => h.approvalMessages()[0], 15_000);
    expect(JSON.stringify(message.blocks)).toContain('*Requested by*\\nOneTrust (case DSR-123)');
    await h.slack.waitFor(async () =>
      (await statusOf(accepted.id)) === 'awaiting_approval' ? true : undefined,
    );
    const requestId = approveButtonValue(message.blocks);

    // The same Idempotency-Key: the same erasure, nothing searched or filed again.
    const again = await post(body({ callback_url: hook.url }), ONETRUST, { 'idempotency-key': 'case-123-a' });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).toBe(accepted.id);

    // Another caller cannot read it; no token at all is 401.
    expect((await get(accepted.id, OTHER)).status).toBe(404);
    expect((await fetch(`${h.appUrl}/api/v1/erasures/${accepted.id}`)).status).toBe(401);

    await h.click(APPROVER, ACTION.approve, requestId, message.ts);
    await h.slack.waitFor(async () => ((await statusOf(accepted.id)) === 'filed' ? true : undefined), 15_000);
    expect(h.lp.requests).toHaveLength(2);
    expect(h.approvalMessages()).toHaveLength(1);
    const view = (await (await get(accepted.id)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      id: accepted.id,
      status: 'filed',
      case_ref: 'DSR-123',
      received_on: '2026-11-18',
      gdpr_deadline: expect.stringMatching(/^2026-12-18$/) as unknown,
    });
    expect(view.requests).toHaveLength(2);
    await matchesOpenApi('Accepted', accepted);
    await matchesOpenApi('Erasure', view);

    // Each change once, in order; the first answered 500 and came again.
    const got = await h.slack.waitFor(
      () => (hook!.got.filter((g) => g.answered === 200).length >= 2 ? hook!.got : undefined),
      10_000,
    );
    const statuses = got.map((g) => [(JSON.parse(g.body) as { status: string }).status, g.answered]);
    expect(statuses).toEqual([
      ['awaiting_approval', 500],
      ['awaiting_approval', 200],
      ['filed', 200],
    ]);
    for (const g of got) {
      const timestamp = String(g.headers['x-lp-delete-timestamp']);
      expect(timestamp).toMatch(/^\d+$/);
      const expected = createHmac('sha256', SECRET).update(`${timestamp}.${g.body}`).digest('hex');
      expect(g.headers['x-lp-delete-signature']).toBe(`sha256=${expected}`);
    }
    expect(JSON.parse(got[2]!.body)).toEqual(view);
    // The requester is a platform, not a Slack user: no DM is owed to it (none retried forever).
    await h.slack.waitFor(async () => ((await h.store.owedNotices()).length === 0 ? true : undefined));
    // Nothing of the body in the log but the case reference's length and the caller.
    const log = h.logLines.join('\n');
    expect(log).not.toContain(PERSON.email);
    expect(log).not.toContain('DSR-123');
    expect(log).toContain('"caseRefLength":7');
  });

  it('bad input: 400 naming the field, 401, 413, 415, 429 with Retry-After', async () => {
    await start();
    const problem = async (response: Response) => {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      return (await response.json()) as { status: number; field?: string; detail: string };
    };
    for (const [input, field] of [
      [body({ identifier: undefined }), 'identifier'],
      [body({ identifier: 'Ada Lovelace' }), 'identifier'],
      [body({ case_ref: ' ' }), 'case_ref'],
      [body({ received_on: '18.11.2026' }), 'received_on'],
      [body({ received_on: '2026-02-30' }), 'received_on'],
      [body({ callback_url: 'http://example.org/hook' }), 'callback_url'],
      ['{not json', 'body'],
    ] as const) {
      const answer = await post(input);
      expect(answer.status).toBe(400);
      const details = await problem(answer);
      expect(details).toMatchObject({ status: 400, field });
      await matchesOpenApi('Problem', details);
    }
    expect((await post(body(), 'wrong-token-0123456789abcdef')).status).toBe(401);
    const large = await post(body({ case_ref: 'x'.repeat(17 * 1024) }));
    expect(large.status).toBe(413);
    expect((await problem(large)).status).toBe(413);
    const text = await post('identifier=a', ONETRUST, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    // 30 a minute per caller: this caller has made 9 already (the 401 is nobody's).
    const answers: Response[] = [];
    for (let i = 0; i < 22; i += 1) answers.push(await get('ER-000000000000000000000000'));
    expect(answers.slice(0, 21).map((a) => a.status)).toEqual(Array<number>(21).fill(404));
    expect(answers[21]?.status).toBe(429);
    expect(Number(answers[21]?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another caller has its own minute.
    expect((await get('ER-000000000000000000000000', OTHER)).status).toBe(404);
    expect(h.lp.requests).toHaveLength(0);
  });

  it('namesakes: nothing filed, failed NAMESAKES; nobody found: nothing_found; each told by callback', async () => {
    await start();
    hook = await receiver(0);
    h.history!.addConversation({
      status: 'CLOSE',
      startTime: new Date(NOW.getTime() - 40 * 24 * 60 * 60 * 1000),
      consumer: { participantId: '9d2f5c1e-3b7a-4c6d-8e9f-0a1b2c3d4e5f', email: PERSON.email },
      personalInfo: [PERSON.email],
      messages: ['hello'],
    });
    const namesakes = (await (await post(body({ callback_url: hook.url }))).json()) as { id: string };
    const nobody = (await (
      await post(body({ identifier: 'nobody.here@example.net', callback_url: hook.url }))
    ).json()) as { id: string };
    const seen = await h.slack.waitFor(() => (hook!.got.length >= 2 ? hook!.got : undefined), 15_000);
    const byId = new Map(
      seen.map((g) => [(JSON.parse(g.body) as { id: string }).id, JSON.parse(g.body) as unknown]),
    );
    expect(byId.get(namesakes.id)).toMatchObject({
      status: 'failed',
      failure: { code: 'NAMESAKES' },
      requests: [],
    });
    expect(byId.get(nobody.id)).toMatchObject({ status: 'nothing_found', requests: [] });
    expect(await statusOf(nobody.id)).toBe('nothing_found');
    expect(h.approvalMessages()).toHaveLength(0);
    expect(h.lp.requests).toHaveLength(0);
    // A few delivery rounds later: each was told once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.got).toHaveLength(2);
  });

  it('without INTAKE_TOKENS the API is off: 404', async () => {
    await start({});
    expect((await post(body())).status).toBe(404);
  });
});
