import { HistoryError } from './errors.js';
import { parseAnswer, postSearch, type HistoryConnection } from './history-http.js';
import { conversationPageSchema, type ConversationPage, type ConversationStatus } from './schemas.js';

/**
 * LivePerson's Messaging Interactions API (`msgHist`), reduced to the three searches an erasure needs.
 * Only `consumerParticipants` is asked for (plus the `info` LivePerson always sends): no transcripts or
 * SDEs travel, and the parse keeps ids, statuses and times only.
 */

/** LivePerson's ceiling for `limit`. */
export const MSG_HIST_MAX_LIMIT = 100;
/** 1b takes at most this many conversation ids. */
export const MSG_HIST_MAX_IDS = 100;

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
const EMPTY: ConversationPage = { count: 0, records: [], partial: false };

/** A phrase in double quotes, LivePerson's syntax for an exact, ordered match; inner quotes are dropped. */
export function quotedPhrase(text: string): string {
  return `"${text.replace(/"/g, ' ').trim()}"`;
}

function checkPage(page: PageRequest): void {
  if (page.limit < 1 || page.limit > MSG_HIST_MAX_LIMIT || page.offset < 0) {
    throw new HistoryError('HISTORY_BAD_REQUEST', 'msgHist', 'limit must be 1–100 and offset ≥ 0');
  }
}

export function createMsgHistoryClient(connection: HistoryConnection): MsgHistoryClient {
  const account = encodeURIComponent(connection.accountId);
  const base = `/messaging_history/api/account/${account}/conversations`;

  async function post(call: string, path: string, body: unknown, query?: Record<string, string | number>) {
    const answer = await postSearch(connection, { service: 'msgHist', call, path, body, query });
    return parseAnswer('msgHist', call, answer, conversationPageSchema, EMPTY);
  }

  return {
    async searchConversations(search, page) {
      checkPage(page);
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
      return post('conversations.search', `${base}/search`, body, {
        offset: page.offset,
        limit: page.limit,
        sort: 'start:asc',
      });
    },
    async conversationsByConsumer(consumerId, status, page) {
      checkPage(page);
      return post(
        'conversations.byConsumer',
        `${base}/consumer/search`,
        { consumer: consumerId, status: [...status], contentToRetrieve: CONTENT },
        { offset: page.offset, limit: page.limit },
      );
    },
    async conversationsByIds(conversationIds) {
      if (conversationIds.length === 0) return EMPTY;
      if (conversationIds.length > MSG_HIST_MAX_IDS) {
        throw new HistoryError('HISTORY_BAD_REQUEST', 'msgHist', 'at most 100 conversation ids per call');
      }
      return post('conversations.byId', `${base}/conversation/search`, {
        conversationIds: [...conversationIds],
        contentToRetrieve: CONTENT,
      });
    },
  };
}
