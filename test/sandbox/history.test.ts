import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { createHistoryStandIn } from '../../sandbox/history/history-stand-in.js';
import { startHistorySandbox, type HistorySandbox } from '../../sandbox/history/history-standalone.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox } from '../../sandbox/rtbf/types.js';
import { ACCOUNT_ID, DAY_MS, NOW, PERSON, daysAgo, seedPerson } from '../liveperson/history/fixtures.js';

const BEARER = `Bearer ${SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0] ?? ''}`;
const MI_SEARCH = `/messaging_history/api/account/${ACCOUNT_ID}/conversations/search`;
const MI_CONSUMER = `/messaging_history/api/account/${ACCOUNT_ID}/conversations/consumer/search`;
const EH_SEARCH = `/interaction_history/api/account/${ACCOUNT_ID}/interactions/search`;

let running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function standIn(options: { epochTimesOnly?: boolean } = {}): Promise<HistorySandbox> {
  const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW, ...options });
  running.push(sandbox);
  return sandbox;
}

async function post(base: string, path: string, query: string, body: unknown, auth: string | null = BEARER) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (auth) headers.Authorization = auth;
  const response = await fetch(`${base}${path}?${query}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const window = (fromDaysAgo: number, toDaysAgo = 0) => ({
  from: daysAgo(fromDaysAgo).getTime(),
  to: daysAgo(toDaysAgo).getTime(),
});

describe('Messaging Interactions stand-in', () => {
  it('refuses a search without source, with limit 101, with a 4-month window', async () => {
    const sandbox = await standIn();
    const body = { start: window(30) };
    expect((await post(sandbox.url, MI_SEARCH, 'limit=10', body)).status).toBe(400);
    expect((await post(sandbox.url, MI_SEARCH, 'source=lpDelete_rtbf&limit=101', body)).status).toBe(400);
    expect((await post(sandbox.url, MI_SEARCH, 'source=lpDelete_rtbf&limit=100', body)).status).toBe(200);
    expect((await post(sandbox.url, MI_SEARCH, 'source=lpDelete_rtbf', { start: window(120) })).status).toBe(
      400,
    );
    expect((await post(sandbox.url, MI_SEARCH, 'source=lpDelete_rtbf', { start: window(88) })).status).toBe(
      200,
    );
    expect((await post(sandbox.url, MI_SEARCH, `source=${'x'.repeat(21)}`, body)).status).toBe(400);
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', {})).status).toBe(400);
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', { ...body, sdesearch: {} })).status).toBe(400);
    expect(sandbox.calls.map((c) => c.status)).toEqual([400, 400, 200, 400, 200, 400, 400, 400]);
  });

  it('wants credentials, the right account and JSON', async () => {
    const sandbox = await standIn();
    const body = { start: window(30) };
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', body, null)).status).toBe(401);
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', body, 'Bearer wrong')).status).toBe(401);
    const other = MI_SEARCH.replace(ACCOUNT_ID, '999');
    expect((await post(sandbox.url, other, 'source=s', body)).status).toBe(403);
    const response = await fetch(`${sandbox.url}${MI_SEARCH}?source=s`, {
      method: 'POST',
      headers: { Authorization: BEARER, 'Content-Type': 'text/plain' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(415);
  });

  it('finds by SDE within the window, pages by offset and counts every match', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox, 3);
    const body = {
      start: window(88),
      sdeSearch: { personalInfo: `"${PERSON.email}"` },
      status: ['OPEN', 'CLOSE'],
    };
    const first = await post(sandbox.url, MI_SEARCH, 'source=s&limit=1&offset=0', body);
    expect(first.json._metadata).toMatchObject({ count: 2 });
    expect(first.json.conversationHistoryRecords).toHaveLength(1);
    const second = await post(sandbox.url, MI_SEARCH, 'source=s&limit=1&offset=1', body);
    expect(second.json.conversationHistoryRecords).toHaveLength(1);
    const third = await post(sandbox.url, MI_SEARCH, 'source=s&limit=1&offset=2', body);
    expect(third.json.conversationHistoryRecords).toEqual([]);
    const closedOnly = await post(sandbox.url, MI_SEARCH, 'source=s', { ...body, status: ['CLOSE'] });
    expect(closedOnly.json._metadata).toMatchObject({ count: 1 });
  });

  it('answers with names, emails, phones and transcripts, as LivePerson does', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const answer = await post(sandbox.url, MI_SEARCH, 'source=s', {
      start: window(88),
      sdeSearch: { personalInfo: PERSON.email },
    });
    const text = JSON.stringify(answer.json);
    expect(text).toContain(PERSON.phone);
    expect(text).toContain(PERSON.transcript);
  });

  it('matches a quoted keyword as a phrase in message text', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const phrase = await post(sandbox.url, MI_SEARCH, 'source=s', {
      start: window(88),
      keyword: `"${PERSON.email}"`,
    });
    const ids = (phrase.json.conversationHistoryRecords as { info: { conversationId: string } }[]).map(
      (r) => r.info.conversationId,
    );
    expect(ids).toEqual([person.mention.conversationId]);
    const reversed = await post(sandbox.url, MI_SEARCH, 'source=s', {
      start: window(88),
      keyword: '"about forget"',
    });
    expect(reversed.json._metadata).toMatchObject({ count: 0 });
  });

  it('cannot find SDE values holding more than 3 digits in a row', async () => {
    const sandbox = await standIn();
    sandbox.addConversation({ status: 'CLOSE', startTime: daysAgo(3), customerInfo: ['CUST-77-31'] });
    sandbox.addConversation({ status: 'CLOSE', startTime: daysAgo(3), customerInfo: ['CUST-7731'] });
    const count = async (customerInfo: string) =>
      (await post(sandbox.url, MI_SEARCH, 'source=s', { start: window(30), sdeSearch: { customerInfo } }))
        .json._metadata;
    expect(await count('"cust-77-31"')).toMatchObject({ count: 1 });
    expect(await count('"CUST-7731"')).toMatchObject({ count: 0 });
  });

  it('keeps 13 months: older conversations are gone', async () => {
    const sandbox = await standIn();
    sandbox.addConversation({ status: 'CLOSE', startTime: daysAgo(410), personalInfo: [PERSON.email] });
    sandbox.addConversation({ status: 'CLOSE', startTime: daysAgo(380), personalInfo: [PERSON.email] });
    const answer = await post(sandbox.url, MI_SEARCH, 'source=s', {
      start: { from: daysAgo(440).getTime(), to: daysAgo(355).getTime() },
      sdeSearch: { personalInfo: PERSON.email },
    });
    expect(answer.json._metadata).toMatchObject({ count: 1 });
  });

  it('searches by consumer id with a required status filter, all months at once', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    expect((await post(sandbox.url, MI_CONSUMER, 'source=s', { consumer: PERSON.consumerId })).status).toBe(
      400,
    );
    expect(
      (await post(sandbox.url, MI_CONSUMER, '', { consumer: PERSON.consumerId, status: ['CLOSE'] })).status,
    ).toBe(400);
    const closed = await post(sandbox.url, MI_CONSUMER, 'source=s', {
      consumer: PERSON.consumerId,
      status: ['CLOSE'],
    });
    expect(closed.json._metadata).toMatchObject({ count: 4 });
    const both = await post(sandbox.url, MI_CONSUMER, 'source=s', {
      consumer: PERSON.consumerId,
      status: ['OPEN', 'CLOSE'],
    });
    expect(both.json._metadata).toMatchObject({ count: 5 });
  });

  it('pages the consumer search: 50 by default, at most 100, offset from 0', async () => {
    const sandbox = await standIn();
    for (let i = 0; i < 130; i++) {
      sandbox.addConversation({
        status: 'CLOSE',
        startTime: daysAgo(1 + i),
        consumer: { participantId: PERSON.consumerId },
      });
    }
    const body = { consumer: PERSON.consumerId, status: ['CLOSE'] };
    const ids = (answer: { json: Record<string, unknown> }) =>
      (answer.json.conversationHistoryRecords as { info: { conversationId: string } }[]).map(
        (r) => r.info.conversationId,
      );
    const byDefault = await post(sandbox.url, MI_CONSUMER, 'source=s', body);
    expect(byDefault.json._metadata).toMatchObject({ count: 130 });
    expect(ids(byDefault)).toHaveLength(50);
    expect((await post(sandbox.url, MI_CONSUMER, 'source=s&limit=101', body)).status).toBe(400);
    expect((await post(sandbox.url, MI_CONSUMER, 'source=s&sort=start:asc', body)).status).toBe(400);
    const first = await post(sandbox.url, MI_CONSUMER, 'source=s&limit=100&offset=0', body);
    const rest = await post(sandbox.url, MI_CONSUMER, 'source=s&limit=100&offset=100', body);
    expect(ids(rest)).toHaveLength(30);
    expect(new Set([...ids(first), ...ids(rest)]).size).toBe(130);
  });

  it('matches an unquoted value as loose terms and a quoted one as a phrase', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    sandbox.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(9),
      consumer: { participantId: 'grace', email: 'grace.hopper@example.org' },
      personalInfo: ['grace.hopper@example.org'],
    });
    const count = async (value: string) =>
      (
        await post(sandbox.url, MI_SEARCH, 'source=s', {
          start: window(88),
          sdeSearch: { personalInfo: value },
        })
      ).json._metadata;
    // Unquoted, "example" and "org" are enough: Grace at the same domain matches Ada's address.
    expect(await count(PERSON.email)).toMatchObject({ count: 3 });
    expect(await count(`"${PERSON.email}"`)).toMatchObject({ count: 2 });
    expect(await count('"example.org ada"')).toMatchObject({ count: 0 });
  });

  it('never reads past 10,000: offset + limit beyond it is refused', async () => {
    const sandbox = await standIn();
    const body = { start: window(30) };
    expect((await post(sandbox.url, MI_SEARCH, 'source=s&offset=9900&limit=100', body)).status).toBe(200);
    expect((await post(sandbox.url, MI_SEARCH, 'source=s&offset=9901&limit=100', body)).status).toBe(400);
    const consumer = { consumer: PERSON.consumerId, status: ['CLOSE'] };
    expect((await post(sandbox.url, MI_CONSUMER, 'source=s&offset=10000&limit=1', consumer)).status).toBe(
      400,
    );
    const chats = { start: window(27), keyword_search_area: { types: ['visitorInfo'] } };
    expect((await post(sandbox.url, EH_SEARCH, 'source=s&offset=9999&limit=2', chats)).status).toBe(400);
  });

  it('writes times as the examples do, or as epoch ms only when told', async () => {
    const sandbox = await standIn();
    sandbox.addConversation({ status: 'CLOSE', startTime: '2026-11-10T08:30:00.250Z', personalInfo: ['x'] });
    const info = async (target: HistorySandbox) =>
      (
        (await post(target.url, MI_SEARCH, 'source=s', { start: window(30) })).json
          .conversationHistoryRecords as { info: Record<string, unknown> }[]
      )[0]?.info;
    expect(await info(sandbox)).toMatchObject({
      startTime: '2026-11-10 08:30:00.250+0000',
      startTimeL: Date.parse('2026-11-10T08:30:00.250Z'),
    });
    const bare = await standIn({ epochTimesOnly: true });
    bare.addConversation({ status: 'OPEN', startTime: daysAgo(1) });
    const open = await info(bare);
    expect(open).toMatchObject({ startTimeL: daysAgo(1).getTime(), endTimeL: -1 });
    expect(open).not.toHaveProperty('startTime');
    expect(open).not.toHaveProperty('endTime');
  });
});

describe('Engagement History stand-in', () => {
  it('refuses a window wider than a month, and wants source and limit ≤ 100', async () => {
    const sandbox = await standIn();
    const areas = { keyword_search_area: { types: ['visitorInfo'] } };
    const ok = { start: window(27), ...areas };
    expect((await post(sandbox.url, EH_SEARCH, 'source=s', ok)).status).toBe(200);
    expect((await post(sandbox.url, EH_SEARCH, 'source=s', { start: window(35), ...areas })).status).toBe(
      400,
    );
    expect((await post(sandbox.url, EH_SEARCH, '', ok)).status).toBe(400);
    expect((await post(sandbox.url, EH_SEARCH, 'source=s&limit=101', ok)).status).toBe(400);
    // "Required" in the table: refused without it.
    expect((await post(sandbox.url, EH_SEARCH, 'source=s', { start: window(27) })).status).toBe(400);
  });

  it('returns ended chats only, found by identity fields, and every chat of a visitor', async () => {
    const sandbox = await standIn();
    const found = sandbox.addChat({
      visitorId: 'visitor-1',
      startTime: daysAgo(5),
      personalInfo: [PERSON.email],
      lines: [PERSON.transcript],
    });
    sandbox.addChat({ visitorId: 'visitor-1', startTime: daysAgo(200), lines: ['hello'] });
    sandbox.addChat({
      visitorId: 'visitor-1',
      startTime: daysAgo(3),
      ended: false,
      personalInfo: [PERSON.email],
    });
    const byKeyword = await post(sandbox.url, EH_SEARCH, 'source=s', {
      start: window(27),
      keyword: `"${PERSON.email}"`,
      keyword_search_area: { types: ['ea.personalInfo'] },
    });
    expect(byKeyword.json._metadata).toMatchObject({ count: 1 });
    expect(JSON.stringify(byKeyword.json)).toContain(found.engagementId);
    expect(found.engagementId.startsWith(ACCOUNT_ID)).toBe(true);
    // The hardest reading of the page: the window applies to a visitor search too.
    const visitorIn = async (start: { from: number; to: number }) =>
      (
        await post(sandbox.url, EH_SEARCH, 'source=s', {
          start,
          visitor: 'visitor-1',
          keyword_search_area: { types: ['visitorInfo'] },
        })
      ).json._metadata;
    expect(await visitorIn(window(27))).toMatchObject({ count: 1 });
    expect(await visitorIn(window(210, 185))).toMatchObject({ count: 1 });
    expect(await visitorIn(window(150, 125))).toMatchObject({ count: 0 });
  });
});

describe('mounted in the rtbf sandbox', () => {
  it('answers the Domain API for msgHist and engHistDomain and checks its credentials', async () => {
    const history = createHistoryStandIn({ accountId: ACCOUNT_ID, now: () => NOW });
    const sandbox: Sandbox = await startSandbox({
      accountId: ACCOUNT_ID,
      now: () => NOW,
      extensions: [history],
    });
    running.push(sandbox);
    for (const service of ['msgHist', 'engHistDomain', 'rtbf']) {
      const answer = await fetch(
        `${sandbox.url}/api/account/${ACCOUNT_ID}/service/${service}/baseURI.json?version=1.0`,
      );
      expect(await answer.json()).toMatchObject({ service, baseURI: sandbox.url.replace('http://', '') });
    }
    const missing = await fetch(
      `${sandbox.url}/api/account/${ACCOUNT_ID}/service/nope/baseURI.json?version=1.0`,
    );
    expect(missing.status).toBe(404);
    const body = { start: window(10) };
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', body, null)).status).toBe(401);
    expect((await post(sandbox.url, MI_SEARCH, 'source=s', body)).status).toBe(200);
    expect(history.calls.map((c) => c.status)).toEqual([401, 200]);
    expect(sandbox.calls.filter((c) => c.kind === 'unknown')).toEqual([]);
  });
});

describe('time', () => {
  it('uses the injected clock for retention and "to: -1"', async () => {
    const sandbox = await standIn();
    sandbox.addConversation({
      status: 'CLOSE',
      startTime: new Date(NOW.getTime() - DAY_MS),
      personalInfo: ['x@y.z'],
    });
    const answer = await post(sandbox.url, MI_SEARCH, 'source=s', {
      start: { from: daysAgo(30).getTime(), to: -1 },
      sdeSearch: { personalInfo: 'x@y.z' },
    });
    expect(answer.json._metadata).toMatchObject({ count: 1 });
  });
});
