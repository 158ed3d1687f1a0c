import type { Gateway } from '../gateway.js';
import {
  checkPage,
  historyPaths,
  quotedPhrase,
  searchPage,
  type PageRequest,
  type TimeRange,
} from './msg-history-client.js';
import { chatPageSchema, type ChatPage } from './schemas.js';

/**
 * LivePerson's Engagement History API (`engHistDomain`, chat): ended chats only. The parse keeps
 * engagementId, visitorId and times; transcripts, surveys and visitor info are dropped at the edge.
 */

/**
 * Where a phrase is looked for: identifying fields only, so a hit is the visitor themselves rather
 * than someone mentioning them. Never chat lines, and never `surveyAnswer`: a survey's free text can
 * name anyone.
 */
export const IDENTITY_SEARCH_AREAS = ['ea.personalInfo', 'ea.customerInfo', 'visitorInfo'];

export interface ChatSearch {
  /**
   * `start` window; LivePerson refuses more than 1 month. The page says a visitor search ignores time
   * limits and, in the `start` row, that the limit applies to it: we take the window as applied, so a
   * visitor is searched in every window (see person-search.ts).
   */
  start: TimeRange;
  /** Exact phrase (sent in double quotes) in IDENTITY_SEARCH_AREAS. */
  phrase?: string;
  /** All chats of one visitor. */
  visitorId?: string;
}

export interface EngagementHistoryClient {
  searchChats(search: ChatSearch, page: PageRequest): Promise<ChatPage>;
}

export function createEngagementHistoryClient(gateway: Gateway): EngagementHistoryClient {
  const path = historyPaths(gateway.accountId).chats;
  const api = 'engagement-history';
  return {
    async searchChats(search, page) {
      checkPage(api, page);
      // keyword_search_area is "Required" in the table though absent from some examples: always sent.
      const body: Record<string, unknown> = {
        start: { from: search.start.from, to: search.start.to },
        keyword_search_area: { types: IDENTITY_SEARCH_AREAS },
      };
      if (search.phrase !== undefined) body.keyword = quotedPhrase(search.phrase);
      if (search.visitorId !== undefined) body.visitor = search.visitorId;
      const query = { offset: page.offset, limit: page.limit, sort: 'start:asc' };
      return searchPage(gateway, { api, path, body, query }, chatPageSchema);
    },
  };
}
