import { afterEach, describe, expect, it } from 'vitest';
import { planRequests } from '../../src/domain/plan.js';
import { createEngagementHistoryClient } from '../../src/liveperson/history/engagement-history-client.js';
import {
  createMsgHistoryClient,
  type MsgHistoryClient,
} from '../../src/liveperson/history/msg-history-client.js';
import {
  startHistorySandbox,
  type HistorySandbox,
  type HistorySandboxOptions,
} from '../../sandbox/history/history-standalone.js';
import { readWindow } from '../../src/service/person-search-paging.js';
import { MAX_READABLE } from '../../src/liveperson/limits.js';
import { splitWindow } from '../../src/service/person-search-windows.js';
import { KEYWORD_ONLY_CAP } from '../../src/service/person-search-result.js';
import {
  SEARCH_CALLS_IN_FLIGHT,
  searchPerson,
  type PersonSearchClients,
  type SearchProgress,
} from '../../src/service/person-search.js';
import { HISTORY_CALLS_PER_REPLICA } from '../../src/liveperson/gateway.js';
import { SANDBOX_DEFAULT_CREDENTIALS } from '../../sandbox/rtbf/types.js';
import {
  ACCOUNT_ID,
  NOW,
  PERSON,
  bearerConnection,
  daysAgo,
  recorder,
  seedPerson,
} from '../liveperson/history/fixtures.js';

/** Issue 19: the documented paging, quoting and windows, namesakes, the mention cap, the call bounds. */

let running: HistorySandbox[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function standIn(options: Partial<HistorySandboxOptions> = {}): Promise<HistorySandbox> {
  const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW, ...options });
  running.push(sandbox);
  return sandbox;
}

function clientsFor(sandbox: HistorySandbox, msgHist?: MsgHistoryClient): PersonSearchClients {
  const connection = bearerConnection(sandbox.url, recorder());
  return {
    msgHist: msgHist ?? createMsgHistoryClient(connection),
    engHist: createEngagementHistoryClient(connection),
  };
}

const byEmail = { identifier: PERSON.email, now: NOW, chatHistory: false };

describe('a heavy consumer', () => {
  it('is found completely: 130 conversations read 100 + 30 from the consumer search, filed as 100 + 30', async () => {
    const sandbox = await standIn();
    const consumer = { participantId: PERSON.consumerId, email: PERSON.email };
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) {
      const seeded = sandbox.addConversation({
        status: 'CLOSE',
        startTime: daysAgo(1 + i * 3),
        consumer,
        // Only a few carry the email as an SDE; the rest are found through the consumer id.
        personalInfo: i % 40 === 0 ? [PERSON.email] : [],
      });
      ids.push(seeded.conversationId);
    }
    const result = await searchPerson(byEmail, clientsFor(sandbox));
    expect([...result.closedConversationIds].sort()).toEqual([...ids].sort());
    const byConsumer = sandbox.calls.filter((c) => c.kind === 'mi.consumer');
    expect(byConsumer.map((c) => [c.offset, c.limit, c.status])).toEqual([
      [0, 100, 200],
      [100, 100, 200],
    ]);
    const plan = planRequests({ findings: result });
    expect(plan.requests.map((r) => [r.type, r.ids.length])).toEqual([
      ['consumer', 1],
      ['conversation', 100],
      ['conversation', 30],
    ]);
    expect(new Set(plan.requests.flatMap((r) => (r.type === 'conversation' ? r.ids : [])))).toEqual(
      new Set(ids),
    );
  });
});

describe('quoted SDE values', () => {
  it('an unquoted email matches another person at the same domain in the stand-in; the client quotes it', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const grace = sandbox.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(9),
      consumer: { participantId: 'c0ffee00-0000-4000-8000-000000000001', email: 'grace@example.org' },
      personalInfo: ['grace@example.org'],
    });
    const url = `${sandbox.url}/messaging_history/api/account/${ACCOUNT_ID}/conversations/search?source=s`;
    const unquoted = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0] ?? ''}`,
      },
      body: JSON.stringify({
        start: { from: daysAgo(80).getTime(), to: NOW.getTime() },
        sdeSearch: { personalInfo: PERSON.email },
      }),
    });
    const raw = JSON.stringify(await unquoted.json());
    expect(raw).toContain(grace.conversationId);

    const result = await searchPerson(byEmail, clientsFor(sandbox));
    expect(result.closedConversationIds).not.toContain(grace.conversationId);
    expect(result.consumerIds).toEqual([PERSON.consumerId]);
    expect(result.namesakes).toBe(false);
  });
});

describe('namesakes', () => {
  it('a name always, and an email whose SDE matches lead to two consumers, list each apart', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const other = sandbox.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(60),
      consumer: { participantId: 'c0ffee00-0000-4000-8000-000000000002' },
      personalInfo: [PERSON.email],
    });
    const result = await searchPerson(byEmail, clientsFor(sandbox));
    expect(result.namesakes).toBe(true);
    expect(result.consumers.map((c) => [c.consumerId, c.channel, c.closedConversationIds.length])).toEqual([
      [PERSON.consumerId, 'messaging', 4],
      ['c0ffee00-0000-4000-8000-000000000002', 'messaging', 1],
    ]);
    expect(result.consumers[1]).toMatchObject({
      closedConversationIds: [other.conversationId],
      openConversationIds: [],
      firstDate: daysAgo(60).toISOString(),
    });
    expect(result.consumers[0]?.openConversationIds).toEqual([person.open.conversationId]);
    // The mention's author is not a consumer of this search at all.
    expect(result.consumerIds).not.toContain(person.mention.consumer?.participantId);

    const byName = await searchPerson(
      { identifier: `${PERSON.firstName} ${PERSON.lastName}`, now: NOW, chatHistory: false },
      clientsFor(sandbox),
    );
    expect(byName.identifierKind).toBe('name');
    expect(byName.namesakes).toBe(true);
  });
});

describe('mentions', () => {
  it(`stop at ${KEYWORD_ONLY_CAP}: "500+" without reading every page`, async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    for (let i = 0; i < 700; i++) {
      sandbox.addConversation({
        status: 'CLOSE',
        startTime: daysAgo(5 + (i % 60) / 10),
        consumer: { participantId: `reader-${i}` },
        messages: [`forwarding ${PERSON.email} to you`],
      });
    }
    const result = await searchPerson(byEmail, clientsFor(sandbox));
    expect(result.keywordOnly).toHaveLength(KEYWORD_ONLY_CAP);
    expect(result.counts.keywordOnly).toBe(KEYWORD_ONLY_CAP);
    expect(result.keywordOnlyCapped).toBe(true);
    expect(result.namesakes).toBe(false);
    const mentionPages = sandbox.calls.filter((c) => c.kind === 'mi.search' && (c.offset ?? 0) > 0);
    expect(mentionPages.length).toBeLessThan(7);
  });
});

describe('reading a window', () => {
  it('keeps reading when the count grows between pages, deduplicates, and stops at a short page', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const inner = createMsgHistoryClient(bearerConnection(sandbox.url, recorder()));
    let added: string | undefined;
    // Between the first and second page of the newest window, the person writes again.
    const growing: MsgHistoryClient = {
      ...inner,
      async searchConversations(search, page) {
        const answer = await inner.searchConversations(search, page);
        if (search.sde && page.offset === 0 && search.start.to === NOW.getTime() && !added) {
          added = sandbox.addConversation({
            status: 'CLOSE',
            startTime: new Date(NOW.getTime() - 60_000),
            consumer: { participantId: PERSON.consumerId },
            personalInfo: [PERSON.email],
          }).conversationId;
        }
        return answer;
      },
    };
    const result = await searchPerson(byEmail, { ...clientsFor(sandbox, growing), pageSize: 1 });
    expect(added).toBeDefined();
    expect(result.closedConversationIds).toContain(added);
    expect(result.counts.closedConversations).toBe(5);
  });

  it(`splits a window holding more than ${MAX_READABLE.toLocaleString('en')} instead of paging past it`, async () => {
    const sandbox = await standIn();
    const total = MAX_READABLE + 150;
    for (let i = 0; i < total; i++) {
      sandbox.addConversation({ status: 'CLOSE', startTime: daysAgo(1 + (i % 600) / 10) });
    }
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, recorder()));
    const window = { from: daysAgo(80).getTime(), to: NOW.getTime() };
    const outcome = await readWindow(window, (start, page) => client.searchConversations({ start }, page), {
      service: 'messaging-history',
      pageSize: 100,
      idOf: (c) => c.conversationId,
    });
    expect(outcome.kind).toBe('complete');
    expect(new Set(outcome.records.map((c) => c.conversationId)).size).toBe(total);
    expect(sandbox.calls.every((c) => c.status === 200)).toBe(true);
    expect(sandbox.calls.every((c) => (c.offset ?? 0) + (c.limit ?? 0) <= MAX_READABLE)).toBe(true);
  }, 60_000);

  it('splits on 10-minute boundaries so every half is narrower once rounded, down to one slot', () => {
    const tenMinutes = 10 * 60_000;
    let window: { from: number; to: number } | undefined = {
      from: 1_000_123,
      to: 1_000_123 + 7 * tenMinutes,
    };
    let splits = 0;
    while (window) {
      const halves = splitWindow(window);
      if (!halves) break;
      const [a, b] = halves;
      expect(a.to + 1).toBe(b.from);
      expect(b.from % tenMinutes).toBe(0);
      window = a;
      splits += 1;
    }
    expect(splits).toBeGreaterThan(1);
    expect(splitWindow({ from: 0, to: tenMinutes })).toBeNull();
  });
});

describe('politeness', () => {
  it(`has at most ${SEARCH_CALLS_IN_FLIGHT} calls of one search in flight, and reports each period done`, async () => {
    const sandbox = await standIn({ answerDelayMs: 40 });
    seedPerson(sandbox);
    sandbox.addChat({ visitorId: 'visitor-ada', startTime: daysAgo(30), visitorInfo: [PERSON.email] });
    const progress: SearchProgress[] = [];
    const result = await searchPerson({ ...byEmail, chatHistory: true }, clientsFor(sandbox), (p) =>
      progress.push(p),
    );
    expect(sandbox.maxInFlight).toBeLessThanOrEqual(SEARCH_CALLS_IN_FLIGHT);
    // Side by side, not one after another.
    expect(sandbox.maxInFlight).toBeGreaterThan(1);
    const periods = result.searched.messagingWindows + result.searched.chatWindows + 2;
    expect(progress.at(-1)).toEqual({ done: periods, total: periods });
    expect(progress.map((p) => p.done)).toEqual(progress.map((_, i) => i + 1));
  });

  it(`has at most ${HISTORY_CALLS_PER_REPLICA} history calls in flight across searches in one process`, async () => {
    const sandbox = await standIn({ answerDelayMs: 40 });
    seedPerson(sandbox);
    await Promise.all([1, 2, 3].map(() => searchPerson(byEmail, clientsFor(sandbox))));
    expect(sandbox.maxInFlight).toBeLessThanOrEqual(HISTORY_CALLS_PER_REPLICA);
    expect(sandbox.maxInFlight).toBeGreaterThan(SEARCH_CALLS_IN_FLIGHT);
  });
});
