import { describe, expect, it } from 'vitest';
import { buildPlan, planRequests, splitIds, type PersonFindings } from '../../src/domain/plan.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const range = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => uuid(offset + i));
const RESETS = new Date('2026-12-01T00:00:00.000Z');
const plenty = { remaining: 100, resetsAt: RESETS };

const person: PersonFindings = {
  closedConversationIds: range(4, 10),
  openConversationIds: [uuid(20)],
  consumerIds: [uuid(1)],
  chatEngagementIds: [],
  keywordOnly: [
    { conversationId: uuid(30), status: 'CLOSE' },
    { conversationId: uuid(31), status: 'OPEN' },
  ],
};

describe('buildPlan', () => {
  it('erases a messaging consumer with two requests: consumer first, then the closed conversations', () => {
    const outcome = buildPlan({ findings: person }, plenty);
    if (!outcome.ok) throw new Error(outcome.code);
    expect(outcome.plan.requests).toEqual([
      { type: 'consumer', ids: [uuid(1)], part: 1, parts: 1 },
      { type: 'conversation', ids: range(4, 10), part: 1, parts: 1 },
    ]);
    expect(outcome.plan.quotaNeeded).toBe(2);
    expect(outcome.plan.heldBack).toEqual([uuid(20)]);
    expect(outcome.plan.summary).toEqual({
      consumerIds: 1,
      closedConversations: 4,
      openHeldBack: 1,
      chats: 0,
      tickets: 0,
      keywordTicked: 0,
      requests: 2,
    });
  });

  it('adds keyword-only hits only when ticked; a ticked open one is held back', () => {
    const plan = planRequests({ findings: person, tickedKeywordIds: [uuid(30), uuid(31), uuid(99)] });
    expect(plan.requests[1]?.ids).toEqual([...range(4, 10), uuid(30)]);
    expect(plan.heldBack).toEqual([uuid(20), uuid(31)]);
    expect(plan.summary.keywordTicked).toBe(2);
  });

  it('splits 250 ids of one type into 3 requests of at most 100', () => {
    const outcome = buildPlan({ ids: { conversation: range(250) } }, plenty);
    if (!outcome.ok) throw new Error(outcome.code);
    expect(outcome.plan.requests.map((r) => [r.type, r.ids.length, r.part, r.parts])).toEqual([
      ['conversation', 100, 1, 3],
      ['conversation', 100, 2, 3],
      ['conversation', 50, 3, 3],
    ]);
    expect(outcome.plan.requests.flatMap((r) => r.ids)).toEqual(range(250));
    expect(outcome.plan.quotaNeeded).toBe(3);
  });

  it('refuses up front when the plan needs more requests than the month has left', () => {
    const outcome = buildPlan(
      { findings: person, ids: { engagement: ['207623244294967901'] } },
      {
        remaining: 2,
        resetsAt: RESETS,
      },
    );
    expect(outcome).toMatchObject({
      ok: false,
      code: 'quota_short',
      needed: 3,
      remaining: 2,
      resetsAt: RESETS,
    });
    expect(buildPlan({ findings: person }, { remaining: 2, resetsAt: RESETS }).ok).toBe(true);
    expect(buildPlan({ findings: person }, { remaining: -4, resetsAt: null })).toMatchObject({
      code: 'quota_short',
      remaining: 0,
      resetsAt: null,
    });
  });

  it('has nothing to file when only open conversations were found', () => {
    const outcome = buildPlan(
      { findings: { ...person, closedConversationIds: [], consumerIds: [], keywordOnly: [] } },
      plenty,
    );
    expect(outcome).toEqual({ ok: false, code: 'nothing_to_delete', openHeldBack: 1 });
  });

  it('orders types consumer, conversation, engagement whatever the input order, without duplicates', () => {
    const plan = planRequests({
      ids: {
        engagement: ['207623244294967901'],
        conversation: [uuid(10), uuid(10).toUpperCase()],
        consumer: [uuid(1)],
      },
      findings: person,
    });
    expect(plan.requests.map((r) => r.type)).toEqual(['consumer', 'conversation', 'engagement']);
    expect(plan.requests[0]?.ids).toEqual([uuid(1)]);
    expect(plan.requests[1]?.ids).toEqual(range(4, 10));
  });

  it('never files a held-back open conversation, even when it is also listed plainly', () => {
    const plan = planRequests({ findings: person, ids: { conversation: [uuid(20)] } });
    expect(plan.requests.flatMap((r) => r.ids)).not.toContain(uuid(20));
  });
});

describe('splitIds', () => {
  it('keeps order and refuses a silly chunk size', () => {
    expect(splitIds([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(splitIds([])).toEqual([]);
    expect(() => splitIds([1], 0)).toThrow(RangeError);
  });
});
