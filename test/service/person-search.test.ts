import { identifierKind } from '../../src/domain/identifier.js';
import { afterEach, describe, expect, it } from 'vitest';
import { planRequests, type PersonFindings } from '../../src/domain/plan.js';
import { createEngagementHistoryClient } from '../../src/liveperson/history/engagement-history-client.js';
import { createMsgHistoryClient } from '../../src/liveperson/history/msg-history-client.js';
import { DEMO_PERSON, seedDemoHistory } from '../../sandbox/history/demo-seed.js';
import { startHistorySandbox, type HistorySandbox } from '../../sandbox/history/history-standalone.js';
import type { HistoryStandInOptions } from '../../sandbox/history/history-types.js';
import { searchPerson, type PersonSearchClients } from '../../src/service/person-search.js';
import { CHAT_WINDOW_DAYS, MESSAGING_WINDOW_DAYS } from '../../src/liveperson/limits.js';
import { monthsBefore, searchWindows } from '../../src/service/person-search-windows.js';
import { closedSince } from '../../src/service/held-back.js';
import {
  ACCOUNT_ID,
  DAY_MS,
  NOW,
  PERSON,
  bearerConnection,
  daysAgo,
  leaks,
  recorder,
  seedPerson,
  type Recorder,
} from '../liveperson/history/fixtures.js';

let running: HistorySandbox[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function standIn(options: Partial<HistoryStandInOptions> = {}): Promise<HistorySandbox> {
  const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW, ...options });
  running.push(sandbox);
  return sandbox;
}

function clientsFor(sandbox: HistorySandbox, rec: Recorder, pageSize?: number): PersonSearchClients {
  const connection = bearerConnection(sandbox.url, rec);
  return {
    msgHist: createMsgHistoryClient(connection),
    engHist: createEngagementHistoryClient(connection),
    pageSize,
    log: rec.log,
  };
}

const sorted = (ids: readonly (string | undefined)[]) => [...ids].sort();

describe('searchPerson', () => {
  it('finds a person by email: 4 closed and 1 open conversation over 11 months, windows and pages', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox, 30);
    const rec = recorder();
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: false },
      clientsFor(sandbox, rec, 1),
    );

    expect(sorted(result.closedConversationIds)).toEqual(sorted(person.closed.map((c) => c.conversationId)));
    expect(result.openConversationIds).toEqual([person.open.conversationId]);
    expect(result.consumerIds).toEqual([PERSON.consumerId]);
    expect(result.counts).toEqual({
      closedConversations: 4,
      openConversations: 1,
      consumerIds: 1,
      chats: 0,
      keywordOnly: 1,
    });
    expect(result.identifierKind).toBe('email');
    expect(result.firstDate).toBe(daysAgo(330).toISOString());
    expect(result.lastDate).toBe(daysAgo(2).toISOString());
    // More than one window, more than one page, never more than LivePerson allows per page.
    expect(result.searched.messagingWindows).toBe(5);
    const searches = sandbox.calls.filter((c) => c.kind === 'mi.search');
    expect(searches.some((c) => (c.offset ?? 0) > 0)).toBe(true);
    expect(searches.every((c) => c.status === 200 && (c.limit ?? 0) <= 100)).toBe(true);
    // The consumer search pages too: 5 conversations a page at a time, until a short page.
    const byConsumer = sandbox.calls.filter((c) => c.kind === 'mi.consumer');
    expect(byConsumer.map((c) => [c.offset, c.limit])).toEqual([0, 1, 2, 3, 4, 5].map((o) => [o, 1]));

    // The result is what the plan takes: two requests, consumer then the 4 closed conversations.
    const findings: PersonFindings = result;
    const plan = planRequests({ findings });
    expect(plan.requests.map((r) => [r.type, r.ids.length])).toEqual([
      ['consumer', 1],
      ['conversation', 4],
    ]);
    expect(plan.heldBack).toEqual([person.open.conversationId]);
  });

  it('keeps a keyword-only hit apart: the conversation merely mentions the email', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: false },
      clientsFor(sandbox, recorder()),
    );
    expect(result.keywordOnly).toEqual([
      {
        conversationId: person.mention.conversationId,
        status: 'CLOSE',
        startTime: daysAgo(45).toISOString(),
        endTime: new Date(daysAgo(45).getTime() + 30 * 60_000).toISOString(),
      },
    ]);
    expect(result.closedConversationIds).not.toContain(person.mention.conversationId);
    expect(result.consumerIds).not.toContain(person.mention.consumer?.participantId);
  });

  it('reads every page at LivePerson’s limit of 100 when a window holds more', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    for (let i = 0; i < 150; i++) {
      sandbox.addConversation({
        status: 'CLOSE',
        startTime: daysAgo(30 + i / 10),
        consumer: { participantId: PERSON.consumerId, email: PERSON.email },
        personalInfo: [PERSON.email],
      });
    }
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: false },
      clientsFor(sandbox, recorder()),
    );
    expect(result.counts.closedConversations).toBe(154);
    const offsets = sandbox.calls.filter((c) => c.kind === 'mi.search').map((c) => [c.offset, c.limit]);
    expect(offsets).toContainEqual([100, 100]);
  });

  it('finds the same person by consumer id', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox, 5);
    const result = await searchPerson(
      { identifier: ` ${PERSON.consumerId.toUpperCase()} `, now: NOW, chatHistory: false },
      clientsFor(sandbox, recorder()),
    );
    expect(result.identifierKind).toBe('consumer_id');
    expect(sorted(result.closedConversationIds)).toEqual(sorted(person.closed.map((c) => c.conversationId)));
    expect(result.openConversationIds).toEqual([person.open.conversationId]);
    expect(result.consumerIds).toEqual([PERSON.consumerId]);
    expect(result.keywordOnly).toEqual([]);
  });

  it('never files a typed UUID nobody answers to as a consumer id', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const result = await searchPerson(
      { identifier: '11111111-2222-3333-4444-555555555555', now: NOW, chatHistory: false },
      clientsFor(sandbox, recorder()),
    );
    expect(result.consumerIds).toEqual([]);
    expect(result.counts.closedConversations).toBe(0);
  });

  it('finds chats by identity fields, then every ended chat of that visitor in every window', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox);
    const first = sandbox.addChat({
      visitorId: 'visitor-ada',
      startTime: daysAgo(10),
      visitorInfo: [PERSON.email],
      lines: [PERSON.transcript],
    });
    // Months earlier, nothing identifying: found only by searching the visitor in its own window.
    const earlier = sandbox.addChat({ visitorId: 'visitor-ada', startTime: daysAgo(300), lines: ['hi'] });
    sandbox.addChat({
      visitorId: 'visitor-ada',
      startTime: daysAgo(1),
      ended: false,
      visitorInfo: [PERSON.email],
    });
    sandbox.addChat({
      visitorId: 'visitor-bob',
      startTime: daysAgo(12),
      lines: [`is ${PERSON.email} yours?`],
    });
    // A survey's free text is not an identity field: no longer searched.
    sandbox.addChat({ visitorId: 'visitor-eve', startTime: daysAgo(20), surveyAnswers: [PERSON.email] });
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: true },
      clientsFor(sandbox, recorder()),
    );
    expect(result.chatEngagementIds).toEqual([earlier.engagementId, first.engagementId]);
    expect(result.counts.chats).toBe(2);
    const windows = result.searched.chatWindows;
    expect(windows).toBeGreaterThanOrEqual(13);
    const searches = sandbox.calls.filter((c) => c.kind === 'eh.search');
    expect(searches.every((c) => c.status === 200)).toBe(true);
    // One identity search and one visitor search per window.
    expect(searches).toHaveLength(2 * windows);
    // The visitor is filed as a consumer beside the chats, and one visitor is not a namesake.
    expect(result.consumerIds).toEqual([PERSON.consumerId, 'visitor-ada']);
    expect(result.consumers.find((c) => c.channel === 'chat')).toEqual({
      consumerId: 'visitor-ada',
      channel: 'chat',
      closedConversationIds: [earlier.engagementId, first.engagementId],
      openConversationIds: [],
      firstDate: daysAgo(300).toISOString(),
      lastDate: new Date(daysAgo(10).getTime() + 20 * 60_000).toISOString(),
    });
    expect(result.namesakes).toBe(false);
    const plan = planRequests({ findings: result });
    expect(plan.requests.find((r) => r.type === 'consumer')?.ids).toEqual([PERSON.consumerId, 'visitor-ada']);
  });

  it('lets no transcript text, email, phone or the identifier into the result or any log line', async () => {
    const sandbox = await standIn();
    seedPerson(sandbox, 3);
    sandbox.addChat({
      visitorId: 'v',
      startTime: daysAgo(3),
      visitorInfo: [PERSON.email],
      lines: [PERSON.transcript],
    });
    sandbox.inject({ kind: 'mi.search', status: 503 });
    sandbox.inject({ kind: 'eh.search', status: 429 });
    const rec = recorder();
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: true },
      clientsFor(sandbox, rec),
    );
    expect(result.counts.chats).toBe(1);
    expect(leaks(result)).toEqual([]);
    expect(JSON.stringify(result)).not.toContain('@');
    const lines = rec.logs.map((l) => JSON.stringify(l));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('"lp.retry"') && l.includes('history'))).toBe(true);
    for (const line of lines) {
      expect(leaks(line)).toEqual([]);
      expect(line).not.toContain(PERSON.email);
      expect(line).not.toContain(PERSON.consumerId);
    }
  });
});

describe('closedSince (held-back recheck)', () => {
  it('tells which held-back conversations have closed since, in batches of 100', async () => {
    const sandbox = await standIn();
    const person = seedPerson(sandbox);
    const openIds = [person.open.conversationId];
    for (let i = 0; i < 120; i++) {
      openIds.push(sandbox.addConversation({ status: 'OPEN', startTime: daysAgo(1) }).conversationId);
    }
    const client = createMsgHistoryClient(bearerConnection(sandbox.url, recorder()));
    expect(await closedSince(openIds, client)).toEqual([]);
    sandbox.setStatus(person.open.conversationId, 'CLOSE');
    const unknown = '99999999-9999-4999-8999-999999999999';
    expect(await closedSince([...openIds, unknown], client)).toEqual([person.open.conversationId]);
    expect(sandbox.calls.filter((c) => c.kind === 'mi.byId')).toHaveLength(4);
  });
});

describe('searchWindows', () => {
  it('covers 13 months back to back, newest first, each within LivePerson’s limit', () => {
    for (const days of [MESSAGING_WINDOW_DAYS, CHAT_WINDOW_DAYS]) {
      const windows = searchWindows(NOW, days);
      expect(windows[0]?.to).toBe(NOW.getTime());
      expect(windows[windows.length - 1]?.from).toBe(monthsBefore(NOW, 13).getTime());
      for (const [i, w] of windows.entries()) {
        expect(w.to - w.from).toBeLessThan(days * DAY_MS);
        const next = windows[i + 1];
        if (next) expect(next.to).toBe(w.from - 1);
      }
    }
    expect(searchWindows(NOW, MESSAGING_WINDOW_DAYS)).toHaveLength(5);
  });

  it('clamps to the month’s last day', () => {
    expect(monthsBefore(new Date('2026-03-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe('identifierKind', () => {
  it('tells a consumer id, an email and other text apart', () => {
    expect(identifierKind(PERSON.consumerId)).toBe('consumer_id');
    expect(identifierKind(PERSON.email)).toBe('email');
    expect(identifierKind('Ada Lovelace')).toBe('name');
  });
});

describe('the demo person', () => {
  it('is found as the issue describes: 4 closed, 1 open, 1 mention, 1 chat, its consumer and visitor ids', async () => {
    const sandbox = await standIn();
    seedDemoHistory(sandbox, NOW);
    const result = await searchPerson(
      { identifier: DEMO_PERSON.email, now: NOW, chatHistory: true },
      clientsFor(sandbox, recorder()),
    );
    expect(result.counts).toEqual({
      closedConversations: 4,
      openConversations: 1,
      consumerIds: 2,
      chats: 1,
      keywordOnly: 1,
    });
    expect(result.consumerIds).toEqual([DEMO_PERSON.consumerId, DEMO_PERSON.visitorId]);
  });
});
