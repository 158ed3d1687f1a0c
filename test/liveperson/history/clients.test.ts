import { afterEach, describe, expect, it } from 'vitest';
import { createEngagementHistoryClient } from '../../../src/liveperson/history/engagement-history-client.js';
import { checkHistoryAccess } from '../../../src/liveperson/history/check.js';
import { createGateway, RETRY_POLICIES } from '../../../src/liveperson/gateway.js';
import { HISTORY_SOURCE } from '../../../src/liveperson/limits.js';
import { LivePersonError } from '../../../src/liveperson/liveperson-error.js';
import { createMsgHistoryClient } from '../../../src/liveperson/history/msg-history-client.js';
import { startSandbox } from '../../../sandbox/rtbf/start-sandbox.js';
import { createHistoryStandIn } from '../../../sandbox/history/history-stand-in.js';
import { startHistorySandbox, type HistorySandbox } from '../../../sandbox/history/history-standalone.js';
import { configFor, sandboxAuth, failure } from '../fixtures.js';
import {
  ACCOUNT_ID,
  NOW,
  PERSON,
  bearerConnection,
  daysAgo,
  leaks,
  recorder,
  seedPerson,
} from './fixtures.js';

let running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function standIn(): Promise<HistorySandbox> {
  const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW });
  running.push(sandbox);
  return sandbox;
}

const recent = { from: daysAgo(80).getTime(), to: NOW.getTime() };
const FIRST = { offset: 0, limit: 100 };

describe('Messaging Interactions client', () => {
  it('keeps ids, status and times only: nothing of names, emails, phones or transcripts', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const rec = recorder();
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, rec));
    const page = await client.searchConversations(
      { start: recent, sde: PERSON.email, status: ['OPEN', 'CLOSE'] },
      { offset: 0, limit: 100 },
    );
    expect(page.count).toBe(2);
    expect(page.records).toEqual([
      {
        conversationId: person.closed[0]?.conversationId,
        status: 'CLOSE',
        startTime: daysAgo(20).getTime(),
        endTime: daysAgo(20).getTime() + 30 * 60_000,
        consumerIds: [PERSON.consumerId],
      },
      {
        conversationId: person.open.conversationId,
        status: 'OPEN',
        startTime: daysAgo(2).getTime(),
        endTime: null,
        consumerIds: [PERSON.consumerId],
      },
    ]);
    expect(leaks(page)).toEqual([]);
    expect(leaks(rec.logs)).toEqual([]);
    expect(sandbox.calls.every((c) => c.source === HISTORY_SOURCE)).toBe(true);
  });

  it('searches a phrase, by consumer id and by conversation ids, always with source', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, recorder()));
    const phrase = await client.searchConversations(
      { start: recent, phrase: PERSON.email },
      { offset: 0, limit: 10 },
    );
    expect(phrase.records.map((r) => r.conversationId)).toEqual([person.mention.conversationId]);
    const byConsumer = await client.conversationsByConsumer(PERSON.consumerId, ['OPEN', 'CLOSE'], FIRST);
    expect(byConsumer.count).toBe(5);
    expect(byConsumer.records).toHaveLength(5);
    const byIds = await client.conversationsByIds([person.open.conversationId]);
    expect(byIds.records.map((r) => r.status)).toEqual(['OPEN']);
    expect(sandbox.calls.map((c) => [c.kind, c.source])).toEqual([
      ['mi.search', HISTORY_SOURCE],
      ['mi.consumer', HISTORY_SOURCE],
      ['mi.byId', HISTORY_SOURCE],
    ]);
    await expect(
      client.searchConversations({ start: recent }, { offset: 0, limit: 101 }),
    ).rejects.toMatchObject({
      code: 'HISTORY_BAD_REQUEST',
    });
  });

  it('follows LivePerson’s advice for reads: 429 after a second, 5xx after 5, 10 and 15 s', () => {
    for (const api of ['messaging-history', 'engagement-history'] as const) {
      expect(RETRY_POLICIES[api]).toEqual({
        rateLimited: { retries: 5, minTimeout: 1000, factor: 1 },
        unavailable: { retries: 3, minTimeout: 5000, factor: 2, maxTimeout: 15_000 },
      });
    }
  });

  it('waits after a 429, then tries again', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    sandbox.inject({ kind: 'mi.search', status: 429, times: 2 });
    const rec = recorder();
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, rec));
    const page = await client.searchConversations(
      { start: recent, sde: PERSON.email },
      { offset: 0, limit: 100 },
    );
    expect(page.count).toBe(2);
    expect(rec.retries()).toBe(2);
  });

  it('retries a 5xx three times, then gives up with a coded error', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const rec = recorder();
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, rec));
    sandbox.inject({ kind: 'mi.consumer', status: 503, times: 3 });
    const page = await client.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST);
    expect(page.count).toBe(4);
    expect(rec.retries()).toBe(3);

    sandbox.inject({ kind: 'mi.consumer', status: 500, times: 4 });
    const err = await failure(client.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST));
    expect(err).toBeInstanceOf(LivePersonError);
    expect(err).toMatchObject({
      code: 'HISTORY_SERVER_ERROR',
      api: 'messaging-history',
      operation: 'search',
      httpStatus: 500,
    });
    expect(rec.retries()).toBe(6);
    expect(leaks(rec.logs)).toEqual([]);
    expect(JSON.stringify(rec.logs)).not.toContain(PERSON.consumerId);
    expect(String((err as Error).message)).not.toContain(PERSON.consumerId);
  });

  it('does not retry a 400 or rejected credentials', async () => {
    const sandbox = await standIn();
    const rec = recorder();
    const bad = createMsgHistoryClient(bearerConnection(sandbox.url, rec, { token: 'nope' }));
    await expect(bad.conversationsByConsumer('x', ['CLOSE'], FIRST)).rejects.toMatchObject({
      code: 'HISTORY_UNAUTHORIZED',
    });
    sandbox.inject({ kind: 'mi.search', status: 400 });
    const good = createMsgHistoryClient(bearerConnection(sandbox.url, rec));
    await expect(good.searchConversations({ start: recent }, { offset: 0, limit: 5 })).rejects.toMatchObject({
      code: 'HISTORY_BAD_REQUEST',
    });
    expect(rec.retries()).toBe(0);
  });

  it('reads the host from the Domain API and signs in like the rtbf client (OAuth 2.0 and 1.0a)', async () => {
    const history = createHistoryStandIn({ accountId: ACCOUNT_ID, now: () => NOW });
    const sandbox = await startSandbox({ accountId: ACCOUNT_ID, now: () => NOW, extensions: [history] });
    running.push(sandbox);
    seedPerson(history);
    for (const kind of ['oauth2', 'oauth1'] as const) {
      const connection = createGateway(configFor(sandbox, { auth: sandboxAuth(kind) }), {
        now: () => NOW,
      });
      const page = await createMsgHistoryClient(connection).conversationsByConsumer(
        PERSON.consumerId,
        ['CLOSE'],
        FIRST,
      );
      expect(page.count).toBe(4);
    }
    expect(sandbox.calls.filter((c) => c.kind === 'domain').length).toBeGreaterThan(0);
    expect(sandbox.calls.filter((c) => c.kind === 'token')).toHaveLength(1);
  });

  it('renews an expired OAuth 2.0 token once', async () => {
    const history = createHistoryStandIn({ accountId: ACCOUNT_ID, now: () => NOW });
    const sandbox = await startSandbox({ accountId: ACCOUNT_ID, now: () => NOW, extensions: [history] });
    running.push(sandbox);
    const client = createMsgHistoryClient(createGateway(configFor(sandbox), { now: () => NOW }));
    await client.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST);
    sandbox.expireTokens();
    await client.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST);
    expect(sandbox.calls.filter((c) => c.kind === 'token')).toHaveLength(2);
    expect(history.calls.map((c) => c.status)).toEqual([200, 401, 200]);
  });
});

describe('shared failures', () => {
  it('reports rejected OAuth 2.0 client credentials and a failed host look-up as history errors', async () => {
    const history = createHistoryStandIn({ accountId: ACCOUNT_ID, now: () => NOW });
    const sandbox = await startSandbox({ accountId: ACCOUNT_ID, now: () => NOW, extensions: [history] });
    running.push(sandbox);
    const wrongSecret = configFor(sandbox, {
      auth: { kind: 'oauth2', clientId: 'sandbox-client', clientSecret: 'no' },
    });
    const client = createMsgHistoryClient(createGateway(wrongSecret, { now: () => NOW }));
    await expect(client.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST)).rejects.toMatchObject({
      name: 'LivePersonError',
      code: 'HISTORY_UNAUTHORIZED',
      api: 'messaging-history',
    });
    const otherAccount = configFor(sandbox, { accountId: '999' });
    const lost = createMsgHistoryClient(createGateway(otherAccount, { now: () => NOW }));
    await expect(lost.conversationsByConsumer(PERSON.consumerId, ['CLOSE'], FIRST)).rejects.toMatchObject({
      code: 'HISTORY_HOST_UNKNOWN',
    });
  });
});

describe('checkHistoryAccess', () => {
  it('says which history APIs the credentials can read', async () => {
    const sandbox = await standIn();
    const ok = bearerConnection(sandbox.url, recorder());
    expect(
      await checkHistoryAccess(
        { msgHist: createMsgHistoryClient(ok), engHist: createEngagementHistoryClient(ok) },
        NOW,
      ),
    ).toEqual([
      { service: 'msgHist', ok: true },
      { service: 'engHistDomain', ok: true },
    ]);
    sandbox.inject({ kind: 'mi.search', status: 403 });
    expect(await checkHistoryAccess({ msgHist: createMsgHistoryClient(ok) }, NOW)).toEqual([
      { service: 'msgHist', ok: false, code: 'HISTORY_FORBIDDEN' },
    ]);
  });
});

describe('Engagement History client', () => {
  it('finds ended chats by identity fields and keeps engagementId, visitorId and times only', async () => {
    const sandbox = await standIn();
    const chat = sandbox.addChat({
      visitorId: 'visitor-9',
      visitorName: PERSON.firstName,
      startTime: daysAgo(4),
      visitorInfo: [PERSON.email],
      surveyAnswers: [PERSON.phone],
      lines: [PERSON.transcript],
    });
    sandbox.addChat({ visitorId: 'visitor-8', startTime: daysAgo(4), lines: [`mail ${PERSON.email}`] });
    const rec = recorder();
    const client = createEngagementHistoryClient(bearerConnection(sandbox.url, rec));
    const page = await client.searchChats(
      { start: { from: daysAgo(27).getTime(), to: NOW.getTime() }, phrase: PERSON.email },
      { offset: 0, limit: 100 },
    );
    expect(page.records).toEqual([
      {
        engagementId: chat.engagementId,
        visitorId: 'visitor-9',
        startTime: daysAgo(4).getTime(),
        endTime: daysAgo(4).getTime() + 20 * 60_000,
      },
    ]);
    expect(leaks(page)).toEqual([]);
    expect(sandbox.calls.every((c) => c.source === HISTORY_SOURCE)).toBe(true);
  });
});
