import type { Gateway } from '../gateway.js';
import { HISTORY_PAGE_MAX, MSG_HIST_MAX_IDS } from '../limits.js';
import { refusedBeforeSending, type HistoryApi } from '../liveperson-error.js';
import { parseAnswer } from '../schemas.js';
import { conversationPageSchema, type ConversationPage, type ConversationStatus } from './schemas.js';

/**
 * LivePerson's Messaging Interactions API (`msgHist`), reduced to the three searches an erasure needs.
 * Only `consumerParticipants` is asked for (plus the `info` LivePerson always sends): no transcripts or
 * SDEs travel, and the parse keeps ids, statuses and times only.
 */

export interface TimeRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
}

export interface ConversationSearch {
  /** `start` window; LivePerson refuses more than 3 months. */
  start: TimeRange;
  status?: readonly ConversationStatus[];
  /**
   * Searched as personalInfo, customerInfo and userUpdate (user profile) SDEs, OR-ed, each as one
   * quoted phrase: unquoted, LivePerson searches the words loosely and `jane.doe@example.org` would
   * match everyone at example.org.
   */
  sde?: string;
  /** Searched in message text as an exact phrase (sent in double quotes). */
  phrase?: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface MsgHistoryClient {
  /** 1a: one page of a conversations search. */
  searchConversations(search: ConversationSearch, page: PageRequest): Promise<ConversationPage>;
  /**
   * 1c: one page of the conversations of one consumer (`participantId`) with these statuses. Paged like
   * 1a (`offset`, `limit` up to 100, default 50); no time window, no documented sort.
   */
  conversationsByConsumer(
    consumerId: string,
    status: readonly ConversationStatus[],
    page: PageRequest,
  ): Promise<ConversationPage>;
  /** 1b: up to 100 conversations by id. */
  conversationsByIds(conversationIds: readonly string[]): Promise<ConversationPage>;
}

const CONTENT = ['consumerParticipants'];

/** A phrase in double quotes, LivePerson's syntax for an exact, ordered match; inner quotes are dropped. */
export function quotedPhrase(text: string): string {
  return `"${text.replace(/"/g, ' ').trim()}"`;
}

export function checkPage(api: HistoryApi, page: PageRequest): void {
  if (page.limit < 1 || page.limit > HISTORY_PAGE_MAX || page.offset < 0) {
    throw refusedBeforeSending('search', `limit must be 1–${HISTORY_PAGE_MAX} and offset ≥ 0`, api);
  }
}

/** The history APIs' paths for an account: the Messaging Interactions searches' base, and the chat search. */
export function historyPaths(accountId: string) {
  const account = encodeURIComponent(accountId);
  return {
    conversations: `/messaging_history/api/account/${account}/conversations`,
    chats: `/interaction_history/api/account/${account}/interactions/search`,
  };
}

/** One page of a history search (a POST); a 204 (or an empty body) is a page without records. */
export async function searchPage<T>(
  gateway: Gateway,
  search: { api: HistoryApi; path: string; body: unknown; query?: Record<string, string | number> },
  schema: { parse(value: unknown): T },
): Promise<T> {
  const { api, path, query } = search;
  const body = JSON.stringify(search.body);
  const answer = await gateway.request({ api, operation: 'search', method: 'POST', path, body, query });
  if (answer.status === 204 || answer.body.trim() === '') return schema.parse({ _metadata: { count: 0 } });
  return parseAnswer({ api, operation: 'search' }, answer, (json) => schema.parse(json));
}

export function createMsgHistoryClient(gateway: Gateway): MsgHistoryClient {
  const base = historyPaths(gateway.accountId).conversations;
  const post = (path: string, body: unknown, query?: Record<string, string | number>) =>
    searchPage(gateway, { api: 'messaging-history', path, body, query }, conversationPageSchema);

  return {
    async searchConversations(search, page) {
      checkPage('messaging-history', page);
      const body: Record<string, unknown> = {
        start: { from: search.start.from, to: search.start.to },
        contentToRetrieve: CONTENT,
      };
      if (search.status) body.status = [...search.status];
      if (search.sde !== undefined) {
        const phrase = quotedPhrase(search.sde);
        body.sdeSearch = { personalInfo: phrase, customerInfo: phrase, userUpdate: phrase };
      }
      if (search.phrase !== undefined) body.keyword = quotedPhrase(search.phrase);
      return post(`${base}/search`, body, {
        offset: page.offset,
        limit: page.limit,
        sort: 'start:asc',
      });
    },
    async conversationsByConsumer(consumerId, status, page) {
      checkPage('messaging-history', page);
      return post(
        `${base}/consumer/search`,
        { consumer: consumerId, status: [...status], contentToRetrieve: CONTENT },
        { offset: page.offset, limit: page.limit },
      );
    },
    async conversationsByIds(conversationIds) {
      if (conversationIds.length === 0) return { count: 0, records: [], partial: false };
      if (conversationIds.length > MSG_HIST_MAX_IDS) {
        const why = `at most ${MSG_HIST_MAX_IDS} conversation ids per call`;
        throw refusedBeforeSending('search', why, 'messaging-history');
      }
      return post(`${base}/conversation/search`, {
        conversationIds: [...conversationIds],
        contentToRetrieve: CONTENT,
      });
    },
  };
}
