import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan, type PlanSummary } from '../../src/domain/plan.js';
import { chooseFindings } from '../../src/domain/person-search-rules.js';
import { HISTORY_ERROR_CODES } from '../../src/liveperson/liveperson-error.js';
import { createMsgHistoryClient } from '../../src/liveperson/history/msg-history-client.js';
import { startHistorySandbox, type HistorySandbox } from '../../sandbox/history/history-standalone.js';
import { searchPerson } from '../../src/service/person-search.js';
import type {
  ConsumerMatch,
  KeywordOnlyHit,
  PersonSearchResult,
} from '../../src/service/person-search-result.js';
import {
  buildPersonResultModal,
  buildPersonSearchFailedModal,
  buildPersonSearchingModal,
} from '../../src/slack/blocks/person-modal.js';
import { planSummaryLine } from '../../src/slack/blocks/plan-lines.js';
import {
  isConsumersBlockId,
  isKeywordHitsBlockId,
  keywordHitsBlockId,
  PERSON_ACTION,
  PERSON_BLOCK,
  PERSON_CALLBACK,
} from '../../src/slack/ids.js';
import {
  ACCOUNT_ID,
  NOW,
  PERSON,
  bearerConnection,
  leaks,
  recorder,
  seedPerson,
} from '../liveperson/history/fixtures.js';
import { checkBlockKit } from '../support/block-kit.js';

type Json = Record<string, unknown>;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const RESETS = new Date('2026-12-01T00:00:00.000Z');

function hit(n: number, status: KeywordOnlyHit['status'] = 'CLOSE'): KeywordOnlyHit {
  return { conversationId: uuid(500 + n), status, startTime: '2026-03-12T09:00:00.000Z', endTime: null };
}

/** A search result like the person: 4 closed, 1 open, 1 consumer id, one mention. */
function searchResult(overrides: Partial<PersonSearchResult> = {}): PersonSearchResult {
  const base: PersonSearchResult = {
    identifierKind: 'email',
    consumers: [
      {
        consumerId: uuid(1),
        channel: 'messaging',
        closedConversationIds: [uuid(10), uuid(11), uuid(12), uuid(13)],
        openConversationIds: [uuid(20)],
        firstDate: '2025-12-25T12:00:00.000Z',
        lastDate: '2026-11-18T12:00:00.000Z',
      },
    ],
    namesakes: false,
    keywordOnlyCapped: false,
    closedConversationIds: [uuid(10), uuid(11), uuid(12), uuid(13)],
    openConversationIds: [uuid(20)],
    consumerIds: [uuid(1)],
    chatEngagementIds: [],
    keywordOnly: [hit(1)],
    firstDate: '2025-12-25T12:00:00.000Z',
    lastDate: '2026-11-18T12:00:00.000Z',
    counts: { closedConversations: 4, openConversations: 1, consumerIds: 1, chats: 0, keywordOnly: 1 },
    searched: {
      from: '2025-10-20T12:00:00.000Z',
      to: '2026-11-20T12:00:00.000Z',
      messagingWindows: 5,
      chatWindows: 0,
      calls: 11,
    },
  };
  const merged = { ...base, ...overrides };
  return {
    ...merged,
    counts: {
      closedConversations: merged.closedConversationIds.length,
      openConversations: merged.openConversationIds.length,
      consumerIds: merged.consumerIds.length,
      chats: merged.chatEngagementIds.length,
      keywordOnly: merged.keywordOnly.length,
    },
  };
}

function resultModal(result: PersonSearchResult, remaining = 37, identifier: string = PERSON.email) {
  return buildPersonResultModal({
    identifier,
    result,
    outcome: buildPlan({ findings: result }, { remaining, resetsAt: RESETS }),
    quota: { remaining, limit: 100 },
    chatHistory: false,
  });
}

const json = (view: unknown) => JSON.parse(JSON.stringify(view)) as { blocks: Json[]; submit?: Json };
const blockById = (view: unknown, id: string) => json(view).blocks.find((b) => b.block_id === id);
const checkboxBlocks = (view: unknown) =>
  json(view).blocks.filter((b) => isKeywordHitsBlockId(String(b.block_id)));

describe('buildPersonSearchingModal', () => {
  it('is a valid modal without a submit button, the identifier made inert', () => {
    const view = buildPersonSearchingModal({ identifier: '<!channel> *bold* & co', chatHistory: true });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.callback_id).toBe(PERSON_CALLBACK.searching);
    expect(view.submit).toBeUndefined();
    const text = JSON.stringify(view);
    expect(text).toContain('Searching LivePerson');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('chats');
  });

  it('cuts a pasted essay and keeps private metadata', () => {
    const view = buildPersonSearchingModal({
      identifier: 'x'.repeat(5000),
      chatHistory: false,
      privateMetadata: '{"c":"C1"}',
    });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.private_metadata).toBe('{"c":"C1"}');
    expect(JSON.stringify(view)).not.toContain('chats');
  });
});

describe('the searching view’s progress', () => {
  it('says how many periods are searched, in a valid view', () => {
    const view = buildPersonSearchingModal({
      identifier: PERSON.email,
      chatHistory: false,
      progress: { done: 3, total: 5 },
    });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(JSON.stringify(blockById(view, PERSON_BLOCK.progress))).toContain('3 of 5 periods searched');
  });
});

describe('namesakes in the result view', () => {
  const consumer = (n: number, conversations: number): ConsumerMatch => ({
    consumerId: uuid(n),
    channel: 'messaging',
    closedConversationIds: Array.from({ length: conversations }, (_, i) => uuid(n * 100 + i)),
    openConversationIds: [],
    firstDate: '2026-01-05T10:00:00.000Z',
    lastDate: '2026-10-01T10:00:00.000Z',
  });
  function namesakeModal(consumers: ConsumerMatch[], overrides: Partial<PersonSearchResult> = {}) {
    const result = searchResult({
      identifierKind: 'name',
      consumers,
      namesakes: true,
      consumerIds: consumers.map((c) => c.consumerId),
      closedConversationIds: consumers.flatMap((c) => c.closedConversationIds),
      openConversationIds: [],
      ...overrides,
    });
    const outcome = buildPlan({ findings: chooseFindings(result, []) }, { remaining: 37, resetsAt: RESETS });
    return buildPersonResultModal({
      identifier: 'Jo Smith',
      result,
      outcome,
      quota: { remaining: 37, limit: 100 },
      chatHistory: false,
    });
  }
  const consumerBlocks = (view: unknown) =>
    json(view).blocks.filter((b) => isConsumersBlockId(String(b.block_id)));

  it('lists each consumer unticked with its conversations and dates, says how many match, and can be sent', () => {
    const view = namesakeModal([consumer(1, 2), consumer(2, 1)]);
    expect(checkBlockKit('modal', view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('2 different consumers match');
    expect(text).not.toContain('initial_options');
    const [block] = consumerBlocks(view);
    expect((block?.element as Json).options).toEqual([
      {
        text: {
          type: 'plain_text',
          text: 'Messaging · 2 conversations · 2026-01-05 to 2026-10-01',
          emoji: true,
        },
        description: { type: 'plain_text', text: uuid(1), emoji: true },
        value: uuid(1),
      },
      {
        text: {
          type: 'plain_text',
          text: 'Messaging · 1 conversation · 2026-01-05 to 2026-10-01',
          emoji: true,
        },
        description: { type: 'plain_text', text: uuid(2), emoji: true },
        value: uuid(2),
      },
    ]);
    // Nothing chosen is not "nothing found": the plan says so, and the view can still be sent.
    const plan = JSON.stringify(blockById(view, PERSON_BLOCK.plan));
    expect(plan).toContain('Nothing is chosen yet');
    expect(plan).not.toContain('LivePerson has nothing');
    expect(view.submit).toBeDefined();
  });

  it('fits Slack’s limits with 55 consumers and 500+ mentions: groups of 10, the rest counted', () => {
    const consumers = Array.from({ length: 55 }, (_, i) => consumer(i + 1, 1));
    const hits = Array.from({ length: 500 }, (_, i) => hit(i));
    const view = namesakeModal(consumers, { keywordOnly: hits, keywordOnlyCapped: true });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(consumerBlocks(view).map((b) => ((b.element as Json).options as unknown[]).length)).toEqual([
      10, 10, 10, 10, 10,
    ]);
    const text = JSON.stringify(view);
    expect(text).toContain('55 different consumers match');
    expect(text).toContain('5 more consumers not shown, and not filed');
    expect(text).toContain('500+ conversations only mention it');
  });

  it('one consumer of a name still starts unticked', () => {
    const view = namesakeModal([consumer(1, 3)]);
    expect(JSON.stringify(view)).toContain('1 consumer matches');
    expect(JSON.stringify(consumerBlocks(view))).not.toContain('initial_options');
  });
});

describe('buildPersonResultModal', () => {
  it('shows counts, dates, the requests it becomes and the quota it takes', () => {
    const view = resultModal(searchResult());
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.callback_id).toBe(PERSON_CALLBACK.result);
    expect(view.submit?.text).toBe('Send for approval');
    const fields = (blockById(view, PERSON_BLOCK.summary)?.fields as { text: string }[]).map((f) => f.text);
    expect(fields.slice(0, 4)).toEqual([
      '*Closed conversations to delete*\n4',
      '*Open, held back*\n1',
      '*Consumer ids*\n1',
      '*Chats*\nnot searched',
    ]);
    expect(fields[4]).toContain(`<!date^${Date.parse('2025-12-25T12:00:00.000Z') / 1000}^`);
    const plan = JSON.stringify(blockById(view, PERSON_BLOCK.plan));
    expect(plan).toContain(
      '1 consumer id, 4 closed conversations (1 open held back) → 2 LivePerson requests',
    );
    expect(plan).toContain('• Consumer: 1 request (1 id)');
    expect(plan).toContain('• Messaging conversation: 1 request (4 ids)');
    expect(plan).toContain('Uses 2 of the 37 requests left this month');
    expect(blockById(view, PERSON_BLOCK.reason)).toMatchObject({
      element: { action_id: PERSON_ACTION.reason },
    });
  });

  it('offers keyword-only hits as unticked checkboxes naming only status, date and conversation id', () => {
    const view = resultModal(searchResult({ keywordOnly: [hit(1), hit(2, 'OPEN')] }));
    const [group] = checkboxBlocks(view);
    expect(group?.block_id).toBe(keywordHitsBlockId(0));
    expect(group?.optional).toBe(true);
    const element = group?.element as Json;
    expect(element.action_id).toBe(PERSON_ACTION.keywordHits);
    expect(element.initial_options).toBeUndefined();
    expect(element.options).toEqual([
      {
        text: { type: 'plain_text', text: `Closed · 2026-03-12 · ${uuid(501)}`, emoji: true },
        value: uuid(501),
      },
      {
        text: { type: 'plain_text', text: `Open, held back · 2026-03-12 · ${uuid(502)}`, emoji: true },
        value: uuid(502),
      },
    ]);
  });

  it('fits Slack’s limits with 55 mentions: groups of 10, the rest counted', () => {
    const hits = Array.from({ length: 55 }, (_, i) => hit(i));
    const view = resultModal(searchResult({ keywordOnly: hits }));
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(checkboxBlocks(view).map((b) => ((b.element as Json).options as unknown[]).length)).toEqual([
      10, 10, 10, 10, 10,
    ]);
    expect(JSON.stringify(view)).toContain('5 more mentions not shown');
  });

  it('shows 250 conversation ids as 3 requests and still fits', () => {
    const many = Array.from({ length: 250 }, (_, i) => uuid(1000 + i));
    const view = resultModal(searchResult({ closedConversationIds: many }));
    expect(checkBlockKit('modal', view)).toEqual([]);
    const plan = JSON.stringify(blockById(view, PERSON_BLOCK.plan));
    expect(plan).toContain('• Messaging conversation: 3 requests (250 ids)');
    expect(plan).toContain('→ 4 LivePerson requests');
    expect(JSON.stringify(view)).not.toContain(uuid(1000));
  });

  it('refuses a plan larger than the quota left, with the numbers and the reset date, and offers no submit', () => {
    const view = resultModal(searchResult(), 1);
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Close');
    expect(checkboxBlocks(view)).toEqual([]);
    const plan = JSON.stringify(blockById(view, PERSON_BLOCK.plan));
    expect(plan).toContain('This needs 2 LivePerson requests, but only 1 is left this month');
    expect(plan).toContain(`<!date^${RESETS.getTime() / 1000}^`);
  });

  it('lets mentions be ticked in when nothing else is deletable', () => {
    const view = resultModal(
      searchResult({
        closedConversationIds: [],
        consumerIds: [],
        openConversationIds: [],
        keywordOnly: [hit(1)],
      }),
    );
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.submit?.text).toBe('Send for approval');
    expect(JSON.stringify(blockById(view, PERSON_BLOCK.plan))).toContain('Nothing to delete');
  });

  it('says when only open conversations were found', () => {
    const view = resultModal(searchResult({ closedConversationIds: [], consumerIds: [], keywordOnly: [] }));
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(blockById(view, PERSON_BLOCK.plan))).toContain(
      '1 conversation found is still open',
    );
  });
});

describe('with a real search against the stand-in', () => {
  let sandbox: HistorySandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
  });

  it('shows nothing LivePerson answered beyond counts, dates and ids', async () => {
    sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW });
    seedPerson(sandbox, 5);
    const result = await searchPerson(
      { identifier: PERSON.email, now: NOW, chatHistory: false },
      { msgHist: createMsgHistoryClient(bearerConnection(sandbox.url, recorder())) },
    );
    const view = resultModal(result);
    expect(checkBlockKit('modal', view)).toEqual([]);
    // Only the identifier the officer typed comes back, once, in the heading.
    expect(leaks(view)).toEqual([PERSON.email]);
    expect(JSON.stringify(view).split(PERSON.email)).toHaveLength(2);
    expect(leaks(resultModal(result, 37, 'someone'))).toEqual([]);
  });
});

describe('planSummaryLine', () => {
  const summary = (overrides: Partial<PlanSummary>): PlanSummary => ({
    consumerIds: 0,
    closedConversations: 0,
    openHeldBack: 0,
    chats: 0,
    tickets: 0,
    keywordTicked: 0,
    requests: 0,
    ...overrides,
  });

  it('reads like the issue’s example', () => {
    expect(
      planSummaryLine(summary({ consumerIds: 1, closedConversations: 12, openHeldBack: 2, requests: 2 })),
    ).toBe('1 consumer id, 12 closed conversations (2 open held back) → 2 LivePerson requests');
    expect(planSummaryLine(summary({ chats: 3, requests: 1 }))).toBe('3 chats → 1 LivePerson request');
    expect(planSummaryLine(summary({}))).toBe('nothing to delete → 0 LivePerson requests');
  });
});

describe('buildPersonSearchFailedModal', () => {
  it('explains every failure code in a valid view', () => {
    for (const code of [...HISTORY_ERROR_CODES, undefined]) {
      const view = buildPersonSearchFailedModal({ code });
      expect(checkBlockKit('modal', view)).toEqual([]);
      expect(view.submit).toBeUndefined();
    }
    expect(JSON.stringify(buildPersonSearchFailedModal({ code: 'HISTORY_INCOMPLETE' }))).toContain(
      'incomplete',
    );
  });
});
