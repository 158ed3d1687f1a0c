import { describe, expect, it } from 'vitest';
import {
  admitSearch,
  canSearchPerson,
  chooseFindings,
  chosenCount,
  SEARCH_RUN_MAX_MS,
  type SearchFindings,
  type SearchStamp,
} from '../../src/domain/person-search-rules.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const stamp = (m: number, state: SearchStamp['state'] = 'found'): SearchStamp => ({
  startedAt: minutesAgo(m),
  state,
});

describe('who may search a person', () => {
  const approvers = new Set(['UAPPROVER']);
  it('without a requester list, approvers only', () => {
    expect(canSearchPerson({ userId: 'UAPPROVER', requesters: null, approvers })).toEqual({ ok: true });
    expect(canSearchPerson({ userId: 'USTRANGER', requesters: null, approvers })).toEqual({
      ok: false,
      code: 'SEARCH_NOT_ALLOWED',
      approvers: ['UAPPROVER'],
    });
  });
  it('with a requester list, the people on it (as for filing)', () => {
    const requesters = new Set(['UREQ']);
    expect(canSearchPerson({ userId: 'UREQ', requesters, approvers })).toEqual({ ok: true });
    expect(canSearchPerson({ userId: 'USTRANGER', requesters, approvers })).toMatchObject({
      code: 'NOT_REQUESTER',
    });
  });
});

describe('how often', () => {
  it('5 in 10 minutes pass; the 6th is refused until the oldest leaves the window', () => {
    const four = [stamp(9), stamp(7), stamp(5), stamp(1)];
    expect(admitSearch(four, NOW)).toEqual({ ok: true });
    expect(admitSearch([...four, stamp(0)], NOW)).toEqual({
      ok: false,
      code: 'SEARCH_LIMIT',
      limit: 5,
      windowMinutes: 10,
      retryAt: new Date('2026-11-20T12:01:00.000Z'),
    });
    // Searches older than 10 minutes (and failed ones alike: each cost LivePerson calls) count as below.
    expect(admitSearch([stamp(11), stamp(30), stamp(7), stamp(5), stamp(1)], NOW)).toEqual({ ok: true });
    expect(admitSearch([stamp(9, 'failed'), stamp(8), stamp(7), stamp(5), stamp(1)], NOW)).toMatchObject({
      code: 'SEARCH_LIMIT',
    });
  });

  it('one at a time: a running search holds the next back, until it is taken for dead', () => {
    expect(admitSearch([stamp(1, 'running')], NOW)).toEqual({
      ok: false,
      code: 'SEARCH_BUSY',
      retryAt: new Date(NOW.getTime() - 60_000 + SEARCH_RUN_MAX_MS),
    });
    expect(admitSearch([stamp(SEARCH_RUN_MAX_MS / 60_000, 'running')], NOW)).toEqual({ ok: true });
    expect(admitSearch([stamp(1, 'found'), stamp(2, 'filed')], NOW)).toEqual({ ok: true });
  });
});

describe('what the plan files', () => {
  const found: SearchFindings = {
    consumers: [
      {
        consumerId: 'c-a',
        channel: 'messaging',
        closedConversationIds: ['a1', 'a2'],
        openConversationIds: ['a3'],
      },
      { consumerId: 'c-b', channel: 'messaging', closedConversationIds: ['b1'], openConversationIds: [] },
      { consumerId: 'v-c', channel: 'chat', closedConversationIds: ['e1'], openConversationIds: [] },
    ],
    namesakes: true,
    consumerIds: ['c-a', 'c-b', 'v-c'],
    closedConversationIds: ['a1', 'a2', 'b1', 'x9'],
    openConversationIds: ['a3'],
    chatEngagementIds: ['e1', 'e9'],
    keywordOnly: [{ conversationId: 'k1', status: 'CLOSE' }],
  };

  it('namesakes: nothing of anyone by default; the chosen consumers with their own conversations and chats', () => {
    expect(chooseFindings(found, [])).toEqual({
      consumerIds: [],
      closedConversationIds: [],
      openConversationIds: [],
      chatEngagementIds: [],
      keywordOnly: found.keywordOnly,
    });
    expect(chooseFindings(found, ['C-A', 'v-c', 'not-found'])).toEqual({
      consumerIds: ['c-a', 'v-c'],
      closedConversationIds: ['a1', 'a2'],
      openConversationIds: ['a3'],
      chatEngagementIds: ['e1'],
      keywordOnly: found.keywordOnly,
    });
    expect(chosenCount(found, ['c-b', 'nobody'])).toBe(1);
  });

  it('one person: everything found, whatever was sent as chosen', () => {
    const one = { ...found, namesakes: false };
    expect(chooseFindings(one, [])).toBe(one);
  });
});
