import type { EngagementHistoryClient } from '../liveperson/history/engagement-history-client.js';
import type { HistoryService } from '../liveperson/history/errors.js';
import type { LpLogger } from '../liveperson/http.js';
import type { MsgHistoryClient, PageRequest, TimeRange } from '../liveperson/history/msg-history-client.js';
import type { ChatSummary, ConversationStatus, ConversationSummary } from '../liveperson/history/schemas.js';
import { cleanIdentifier, type IdentifierKind } from '../domain/identifier.js';
import { incomplete, readAllPages, type Page } from './person-search-paging.js';
import { CHAT_WINDOW_DAYS, MESSAGING_WINDOW_DAYS, searchWindows } from './person-search-windows.js';

export { recheckHeldBack, type HeldBackCheck } from './held-back-recheck.js';
export {
  CHAT_WINDOW_DAYS,
  MESSAGING_WINDOW_DAYS,
  monthsBefore,
  RETENTION_MONTHS,
  searchWindows,
} from './person-search-windows.js';

/**
 * Finds every LivePerson id one data subject left behind, the way the reference's "How to find all ids"
 * describes: 13 months back in windows LivePerson accepts, every page read and counted, SDE matches
 * kept apart from mere mentions in message text, then every conversation of each consumer id found.
 *
 * The result holds ids, statuses, dates and counts — never the identifier searched for, and nothing of
 * what LivePerson answered beyond that (the clients drop it at the edge). Logs carry counts only.
 */

export const PAGE_SIZE = 100;
const BOTH: readonly ConversationStatus[] = ['OPEN', 'CLOSE'];

export interface PersonSearchInput {
  /** What the officer typed: an email address, a consumer id, or other text (a name, a customer id). */
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
  log?: LpLogger;
}

/** A conversation found only because its message text mentions the identifier. */
export interface KeywordOnlyHit {
  conversationId: string;
  status: ConversationStatus;
  /** ISO. */
  startTime: string;
  endTime: string | null;
}

/**
 * One consumer the search found, with what is theirs. `messaging`: a Messaging Interactions
 * `participantId` and the conversations it takes part in; `chat`: an Engagement History `visitorId` and
 * its chats (engagement ids, all ended, under `closedConversationIds`). Both are filed as `consumer`.
 */
export interface ConsumerMatch {
  consumerId: string;
  channel: 'messaging' | 'chat';
  closedConversationIds: string[];
  openConversationIds: string[];
  /** ISO; earliest start and latest end of what is theirs. */
  firstDate: string | null;
  lastDate: string | null;
}

export interface PersonSearchResult {
  identifierKind: IdentifierKind;
  /** Every consumer found, each with its own conversations: what the namesake choice works on. */
  consumers: ConsumerMatch[];
  /**
   * True when the search may have found different people: a name was searched, or the identifier's own
   * fields (SDE matches, never keyword mentions) led to more than one consumer. Each consumer then
   * starts unticked.
   */
  namesakes: boolean;
  /** Keyword-only mentions stop at KEYWORD_ONLY_CAP: shown as "500+". */
  keywordOnlyCapped: boolean;
  /** CLOSE: can be deleted now. */
  closedConversationIds: string[];
  /** Not closed: held back, LivePerson cannot delete them yet. */
  openConversationIds: string[];
  consumerIds: string[];
  chatEngagementIds: string[];
  /** Shown apart and excluded unless the officer ticks them in. */
  keywordOnly: KeywordOnlyHit[];
  /** Earliest start and latest end of what was found (keyword-only hits aside); ISO or null. */
  firstDate: string | null;
  lastDate: string | null;
  counts: {
    closedConversations: number;
    openConversations: number;
    consumerIds: number;
    chats: number;
    keywordOnly: number;
  };
  searched: { from: string; to: string; messagingWindows: number; chatWindows: number; calls: number };
}

export async function searchPerson(
  input: PersonSearchInput,
  clients: PersonSearchClients,
  onProgress?: (progress: { done: number; total: number }) => void,
): Promise<PersonSearchResult> {
  const cleaned = cleanIdentifier(input.identifier);
  if (!cleaned.ok) throw new RangeError(`identifier is ${cleaned.problem}`);
  const { value: identifier, kind } = cleaned;
  if (input.chatHistory && !clients.engHist)
    throw new Error('chat history search needs an Engagement History client');
  const pageSize = clients.pageSize ?? PAGE_SIZE;
  const log = clients.log ?? (() => {});
  let calls = 0;
  const readAll = <T>(service: HistoryService, fetchPage: (page: PageRequest) => Promise<Page<T>>) =>
    readAllPages(service, fetchPage, pageSize, () => {
      calls += 1;
    });

  // Messaging: SDE matches and keyword mentions, window by window.
  const messagingWindows = searchWindows(input.now, MESSAGING_WINDOW_DAYS);
  const bySde: ConversationSummary[] = [];
  const byKeyword: ConversationSummary[] = [];
  for (const start of messagingWindows) {
    bySde.push(
      ...(await readAll('msgHist', (page) =>
        clients.msgHist.searchConversations({ start, status: BOTH, sde: identifier }, page),
      )),
    );
    byKeyword.push(
      ...(await readAll('msgHist', (page) =>
        clients.msgHist.searchConversations({ start, status: BOTH, phrase: identifier }, page),
      )),
    );
    onProgress?.({ done: messagingWindows.indexOf(start) + 1, total: messagingWindows.length }); // h19b: placeholder until h19a's
  }

  // Consumer ids: those of SDE matches, plus the identifier itself when it looks like one.
  const candidates = new Set(bySde.flatMap((c) => c.consumerIds));
  if (kind === 'consumer_id') candidates.add(identifier);
  const found = new Map<string, ConversationSummary>();
  const keep = (c: ConversationSummary) => {
    const known = found.get(c.conversationId);
    // Two answers disagreeing (it closed between calls): hold it back rather than delete too early.
    found.set(c.conversationId, known && known.status !== c.status ? { ...c, status: 'OPEN' } : c);
  };
  bySde.forEach(keep);
  const consumerIds: string[] = [];
  for (const consumerId of candidates) {
    calls += 1;
    const page = await clients.msgHist.conversationsByConsumer(consumerId, BOTH);
    if (page.partial || page.records.length !== page.count) {
      throw incomplete('msgHist', page.count, page.records.length);
    }
    page.records.forEach(keep);
    const seen = page.records.length > 0 || bySde.some((c) => c.consumerIds.includes(consumerId));
    // A typed UUID nobody answers to may be a conversation id or a typo: never file it as a consumer.
    if (seen) consumerIds.push(consumerId);
  }

  const keywordOnly = new Map<string, ConversationSummary>();
  for (const hit of byKeyword) if (!found.has(hit.conversationId)) keywordOnly.set(hit.conversationId, hit);

  // Chat: identity fields only (never chat lines), then every chat of each visitor found.
  const chats = new Map<string, ChatSummary>();
  let chatWindows = 0;
  if (input.chatHistory && clients.engHist) {
    const engHist = clients.engHist;
    const windows = searchWindows(input.now, CHAT_WINDOW_DAYS);
    chatWindows = windows.length;
    const visitors = new Set<string>();
    for (const start of windows) {
      for (const chat of await readAll('engHistDomain', (page) =>
        engHist.searchChats({ start, phrase: identifier }, page),
      )) {
        chats.set(chat.engagementId, chat);
        if (chat.visitorId) visitors.add(chat.visitorId);
      }
    }
    const newest = windows[0];
    for (const visitorId of newest ? visitors : []) {
      for (const chat of await readAll('engHistDomain', (page) =>
        engHist.searchChats({ start: newest as TimeRange, visitorId }, page),
      )) {
        chats.set(chat.engagementId, chat);
      }
    }
  }

  const conversations = [...found.values()].sort(byStart);
  const closed = conversations.filter((c) => c.status === 'CLOSE').map((c) => c.conversationId);
  const open = conversations.filter((c) => c.status !== 'CLOSE').map((c) => c.conversationId);
  const chatList = [...chats.values()].sort(byStart);
  const spans = [...conversations, ...chatList];
  const first = spans.length ? Math.min(...spans.map((s) => s.startTime)) : null;
  const last = spans.length ? Math.max(...spans.map((s) => s.endTime ?? s.startTime)) : null;
  const oldest = messagingWindows[messagingWindows.length - 1]?.from ?? input.now.getTime();

  const consumers: ConsumerMatch[] = consumerIds.map((consumerId) => {
    const own = conversations.filter((c) => c.consumerIds.includes(consumerId));
    return {
      consumerId,
      channel: 'messaging',
      closedConversationIds: own.filter((c) => c.status === 'CLOSE').map((c) => c.conversationId),
      openConversationIds: own.filter((c) => c.status !== 'CLOSE').map((c) => c.conversationId),
      ...dateSpan(own),
    };
  });
  const sdeConsumers = new Set(bySde.flatMap((c) => c.consumerIds));
  const result: PersonSearchResult = {
    identifierKind: kind,
    consumers,
    namesakes: kind === 'name' || sdeConsumers.size > 1,
    keywordOnlyCapped: false,
    closedConversationIds: closed,
    openConversationIds: open,
    consumerIds,
    chatEngagementIds: chatList.map((c) => c.engagementId),
    keywordOnly: [...keywordOnly.values()].sort(byStart).map((c) => ({
      conversationId: c.conversationId,
      status: c.status,
      startTime: new Date(c.startTime).toISOString(),
      endTime: c.endTime === null ? null : new Date(c.endTime).toISOString(),
    })),
    firstDate: first === null ? null : new Date(first).toISOString(),
    lastDate: last === null ? null : new Date(last).toISOString(),
    counts: {
      closedConversations: closed.length,
      openConversations: open.length,
      consumerIds: consumerIds.length,
      chats: chatList.length,
      keywordOnly: keywordOnly.size,
    },
    searched: {
      from: new Date(oldest).toISOString(),
      to: input.now.toISOString(),
      messagingWindows: messagingWindows.length,
      chatWindows,
      calls,
    },
  };
  log('lp.history.person_search', { identifierKind: kind, ...result.counts, calls });
  return result;
}

function dateSpan(spans: { startTime: number; endTime: number | null }[]): {
  firstDate: string | null;
  lastDate: string | null;
} {
  if (spans.length === 0) return { firstDate: null, lastDate: null };
  const first = Math.min(...spans.map((s) => s.startTime));
  const last = Math.max(...spans.map((s) => s.endTime ?? s.startTime));
  return { firstDate: new Date(first).toISOString(), lastDate: new Date(last).toISOString() };
}

function byStart(a: { startTime: number }, b: { startTime: number }): number {
  return a.startTime - b.startTime;
}
