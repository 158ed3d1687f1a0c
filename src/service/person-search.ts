import pLimit from 'p-limit';
import type { EngagementHistoryClient } from '../liveperson/history/engagement-history-client.js';
import type { MsgHistoryClient, PageRequest, TimeRange } from '../liveperson/history/msg-history-client.js';
import {
  CHAT_WINDOW_DAYS,
  HISTORY_PAGE_MAX,
  MAX_READABLE,
  MESSAGING_WINDOW_DAYS,
} from '../liveperson/limits.js';
import { silentLogger, type Logger } from '../log.js';
import type { ChatSummary, ConversationStatus, ConversationSummary } from '../liveperson/history/schemas.js';
import { cleanIdentifier } from '../domain/identifier.js';
import { incomplete, readAllPages, readWindow, type Page, type ReadOptions } from './person-search-paging.js';
import { buildResult, KEYWORD_ONLY_CAP, type PersonSearchResult } from './person-search-result.js';
import { searchWindows } from './person-search-windows.js';

/**
 * Finds every LivePerson id one data subject left behind, the way the reference's "How to find all ids"
 * describes: 13 months back in windows LivePerson accepts, every page read, SDE matches kept apart from
 * mere mentions in message text, then every conversation of each consumer id found; for chat, every
 * chat of each visitor found, in every window.
 *
 * Windows, pages and expansions run side by side, at most SEARCH_CALLS_IN_FLIGHT calls at a time (and
 * HISTORY_CALLS_PER_REPLICA across the process, liveperson/gateway.ts). The result holds ids, statuses, dates
 * and counts — never the identifier searched for. Logs carry counts only.
 */

/** Records per page: LivePerson's maximum. */
export const PAGE_SIZE = HISTORY_PAGE_MAX;
/** History calls one search may have in flight. */
export const SEARCH_CALLS_IN_FLIGHT = 4;
const BOTH: readonly ConversationStatus[] = ['OPEN', 'CLOSE'];

export interface PersonSearchInput {
  /** What the officer typed: an email address, a consumer id, a phone number or a name. */
  identifier: string;
  now: Date;
  /** Also search chat engagements (Engagement History), when the account has chat (LP_CHAT_HISTORY). */
  chatHistory: boolean;
}

export interface PersonSearchClients {
  msgHist: MsgHistoryClient;
  /** Needed when `chatHistory` is true. */
  engHist?: EngagementHistoryClient;
  /** Records per page: LivePerson's maximum unless a test wants more pages. */
  pageSize?: number;
  log?: Logger;
}

/**
 * Search periods done so far: one per window (messaging and chat), one per consumer and visitor whose
 * conversations are read. `total` grows as consumers are found.
 */
export interface SearchProgress {
  done: number;
  total: number;
}

export async function searchPerson(
  input: PersonSearchInput,
  clients: PersonSearchClients,
  onProgress?: (progress: SearchProgress) => void,
): Promise<PersonSearchResult> {
  const cleaned = cleanIdentifier(input.identifier);
  if (!cleaned.ok) throw new RangeError(`identifier is ${cleaned.problem}`);
  const { value: identifier, kind } = cleaned;
  const engHist = input.chatHistory ? clients.engHist : undefined;
  if (input.chatHistory && !engHist)
    throw new Error('chat history search needs an Engagement History client');
  const pageSize = clients.pageSize ?? PAGE_SIZE;
  const log = clients.log ?? silentLogger;

  // Every piece of work is tracked, so a failure anywhere fails the search (and stops its queued calls).
  const limit = pLimit(SEARCH_CALLS_IN_FLIGHT);
  const tasks: Promise<unknown>[] = [];
  let abandoned = false;
  let calls = 0;
  const progress: SearchProgress = { done: 0, total: 0 };
  const track = <T>(work: Promise<T>): Promise<T> => {
    work.catch(() => {});
    tasks.push(work);
    return work;
  };
  const period = <T>(work: Promise<T>): Promise<T> => {
    progress.total += 1;
    return track(
      work.then((value) => {
        progress.done += 1;
        onProgress?.({ ...progress });
        return value;
      }),
    );
  };
  const call = <T>(fetch: () => Promise<T>): Promise<T> =>
    limit(() => {
      if (abandoned) throw new Error('search abandoned');
      calls += 1;
      return fetch();
    });

  // Messaging: SDE matches and every conversation of each consumer they lead to.
  const messagingWindows = searchWindows(input.now, MESSAGING_WINDOW_DAYS);
  const found = new Map<string, ConversationSummary>();
  const keep = (c: ConversationSummary) => {
    const known = found.get(c.conversationId);
    // Two answers disagreeing (it closed between calls): hold it back rather than delete too early.
    found.set(c.conversationId, known && known.status !== c.status ? { ...c, status: 'OPEN' } : c);
  };
  const msgRead: ReadOptions<ConversationSummary> = {
    service: 'messaging-history',
    pageSize,
    idOf: (c) => c.conversationId,
  };
  const sdeConsumerIds = new Set<string>();
  const answered = new Set<string>();
  const expansions = new Map<string, Promise<void>>();
  const expand = (consumerId: string) => {
    if (expansions.has(consumerId)) return;
    const byConsumer = (page: PageRequest) =>
      call(() => clients.msgHist.conversationsByConsumer(consumerId, BOTH, page));
    const work = readAllPages(byConsumer, msgRead).then((outcome) => {
      // 1c has no time window to split: a consumer with more than 10,000 cannot be read whole.
      if (outcome.kind === 'too_many')
        throw incomplete('messaging-history', MAX_READABLE + 1, outcome.records.length);
      outcome.records.forEach(keep);
      if (outcome.records.length > 0) answered.add(consumerId);
    });
    expansions.set(consumerId, period(work));
  };
  if (kind === 'consumer_id') expand(identifier);
  const searchMessaging =
    (search: { sde?: string; phrase?: string }) => (start: TimeRange, page: PageRequest) =>
      call(() => clients.msgHist.searchConversations({ start, status: BOTH, ...search }, page));
  const sdeReads = messagingWindows.map((start) =>
    track(
      readWindow(start, searchMessaging({ sde: identifier }), msgRead).then((outcome) => {
        for (const c of outcome.records) {
          keep(c);
          for (const consumerId of c.consumerIds) {
            sdeConsumerIds.add(consumerId);
            answered.add(consumerId);
            expand(consumerId);
          }
        }
      }),
    ),
  );
  const allFound = track(Promise.all(sdeReads).then(() => Promise.all(expansions.values())));

  // Mentions in message text: kept apart, and read only until more than KEYWORD_ONLY_CAP are certain.
  const keywordHits = new Map<string, ConversationSummary>();
  let widestMentionCount = 0;
  let keywordStopped = false;
  const keywordRead: ReadOptions<ConversationSummary> = {
    ...msgRead,
    onPage: (page: Page<ConversationSummary>) => {
      widestMentionCount = Math.max(widestMentionCount, page.count);
      for (const c of page.records) keywordHits.set(c.conversationId, c);
    },
    // Enough is read once KEYWORD_ONLY_CAP are in hand and more are certain: one more read, or a window
    // counting more mentions than the person has conversations plus the cap.
    shouldContinue: async () => {
      await allFound;
      const mentionsOnly = [...keywordHits.keys()].filter((id) => !found.has(id)).length;
      if (mentionsOnly < KEYWORD_ONLY_CAP) return true;
      return mentionsOnly === KEYWORD_ONLY_CAP && widestMentionCount - found.size <= KEYWORD_ONLY_CAP;
    },
  };
  messagingWindows.forEach((start, i) => {
    const mentions = readWindow(start, searchMessaging({ phrase: identifier }), keywordRead).then(
      (outcome) => {
        if (outcome.kind === 'stopped') keywordStopped = true;
      },
    );
    void period(Promise.all([sdeReads[i], mentions]));
  });

  // Chat: identity fields only, then every ended chat of each visitor found, in every window.
  const chats = new Map<string, ChatSummary>();
  const visitorIds: string[] = [];
  const chatWindows = engHist ? searchWindows(input.now, CHAT_WINDOW_DAYS) : [];
  if (engHist) {
    const chatRead: ReadOptions<ChatSummary> = {
      service: 'engagement-history',
      pageSize,
      idOf: (c) => c.engagementId,
    };
    const readChats = (start: TimeRange, search: { phrase?: string; visitorId?: string }) =>
      readWindow(
        start,
        (w, page) => call(() => engHist.searchChats({ start: w, ...search }, page)),
        chatRead,
      );
    const expandVisitor = (visitorId: string) => {
      if (visitorIds.includes(visitorId)) return;
      visitorIds.push(visitorId);
      const everyWindow = chatWindows.map((start) =>
        readChats(start, { visitorId }).then((outcome) => {
          for (const chat of outcome.records) chats.set(chat.engagementId, chat);
        }),
      );
      void period(Promise.all(everyWindow));
    };
    for (const start of chatWindows) {
      void period(
        readChats(start, { phrase: identifier }).then((outcome) => {
          for (const chat of outcome.records) {
            chats.set(chat.engagementId, chat);
            if (chat.visitorId) expandVisitor(chat.visitorId);
          }
        }),
      );
    }
  }

  try {
    // Work found along the way (consumers, visitors) joins `tasks` before the work that found it ends.
    for (let awaited = 0; awaited < tasks.length;) {
      const batch = tasks.slice(awaited);
      awaited = tasks.length;
      await Promise.all(batch);
    }
  } catch (error) {
    abandoned = true;
    throw error;
  }

  const oldest = messagingWindows[messagingWindows.length - 1]?.from ?? input.now.getTime();
  const result = buildResult({
    identifierKind: kind,
    conversations: [...found.values()],
    // A typed UUID nobody answers to may be a conversation id or a typo: never file it as a consumer.
    messagingConsumerIds: [...expansions.keys()].filter((id) => answered.has(id)),
    sdeConsumerIds,
    visitorIds,
    chats: [...chats.values()],
    keywordHits: [...keywordHits.values()],
    keywordStopped,
    searched: {
      from: new Date(oldest).toISOString(),
      to: input.now.toISOString(),
      messagingWindows: messagingWindows.length,
      chatWindows: chatWindows.length,
      calls,
    },
  });
  log.info('lp.history.person_search', {
    identifierKind: kind,
    ...result.counts,
    namesakes: result.namesakes,
    keywordOnlyCapped: result.keywordOnlyCapped,
    calls,
  });
  return result;
}
