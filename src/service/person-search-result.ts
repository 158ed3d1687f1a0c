import type { IdentifierKind } from '../domain/identifier.js';
import type { ChatSummary, ConversationStatus, ConversationSummary } from '../liveperson/history/schemas.js';

/** What a person search answers, and how the records it read become that answer. */

/** Keyword-only mentions kept at most; more are shown as "500+". */
export const KEYWORD_ONLY_CAP = 500;

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
  /** Every id to file as a `consumer` request: messaging participantIds and chat visitorIds. */
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

/** What the search read, before it is shaped into a result. */
export interface SearchFindings {
  identifierKind: IdentifierKind;
  /** SDE matches and every conversation of each consumer, deduplicated. */
  conversations: ConversationSummary[];
  /** Messaging consumer ids to file, in the order found. */
  messagingConsumerIds: string[];
  /** Consumer ids the identifier's own fields (SDE matches) led to. */
  sdeConsumerIds: ReadonlySet<string>;
  /** Visitors whose identity fields matched. */
  visitorIds: string[];
  chats: ChatSummary[];
  keywordHits: ConversationSummary[];
  /** The mentions were not all read: more than KEYWORD_ONLY_CAP are certain. */
  keywordStopped: boolean;
  searched: PersonSearchResult['searched'];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function dateSpan(spans: readonly { startTime: number; endTime: number | null }[]) {
  if (spans.length === 0) return { firstDate: null, lastDate: null };
  const first = Math.min(...spans.map((s) => s.startTime));
  const last = Math.max(...spans.map((s) => s.endTime ?? s.startTime));
  return { firstDate: iso(first), lastDate: iso(last) };
}

const byStart = (a: { startTime: number }, b: { startTime: number }) => a.startTime - b.startTime;
const byFirstDate = (a: ConsumerMatch, b: ConsumerMatch) =>
  (a.firstDate ?? '').localeCompare(b.firstDate ?? '') || a.consumerId.localeCompare(b.consumerId);
const isClosed = (c: ConversationSummary) => c.status === 'CLOSE';

export function buildResult(findings: SearchFindings): PersonSearchResult {
  const conversations = [...findings.conversations].sort(byStart);
  const closed = conversations.filter(isClosed).map((c) => c.conversationId);
  const open = conversations.filter((c) => !isClosed(c)).map((c) => c.conversationId);
  const chats = [...findings.chats].sort(byStart);
  const found = new Set(conversations.map((c) => c.conversationId));
  const mentions = [...new Map(findings.keywordHits.map((c) => [c.conversationId, c])).values()]
    .filter((c) => !found.has(c.conversationId))
    .sort(byStart);

  const messaging: ConsumerMatch[] = findings.messagingConsumerIds.map((consumerId): ConsumerMatch => {
    const own = conversations.filter((c) => c.consumerIds.includes(consumerId));
    return {
      consumerId,
      channel: 'messaging',
      closedConversationIds: own.filter(isClosed).map((c) => c.conversationId),
      openConversationIds: own.filter((c) => !isClosed(c)).map((c) => c.conversationId),
      ...dateSpan(own),
    };
  });
  const visitors: ConsumerMatch[] = findings.visitorIds.map((visitorId): ConsumerMatch => {
    const own = chats.filter((c) => c.visitorId === visitorId);
    return {
      consumerId: visitorId,
      channel: 'chat',
      closedConversationIds: own.map((c) => c.engagementId),
      openConversationIds: [],
      ...dateSpan(own),
    };
  });
  // Windows answer in any order: list each channel's consumers by their first date, then id.
  const consumers = [...messaging.sort(byFirstDate), ...visitors.sort(byFirstDate)];
  const consumerIds = [...new Set(consumers.map((c) => c.consumerId))];
  const keywordOnly = mentions.slice(0, KEYWORD_ONLY_CAP).map((c) => ({
    conversationId: c.conversationId,
    status: c.status,
    startTime: new Date(c.startTime).toISOString(),
    endTime: iso(c.endTime),
  }));
  return {
    identifierKind: findings.identifierKind,
    consumers,
    // One messaging consumer and one chat visitor is one person on two channels, not namesakes.
    namesakes:
      findings.identifierKind === 'name' ||
      findings.sdeConsumerIds.size > 1 ||
      findings.visitorIds.length > 1,
    keywordOnlyCapped: findings.keywordStopped || mentions.length > KEYWORD_ONLY_CAP,
    closedConversationIds: closed,
    openConversationIds: open,
    consumerIds,
    chatEngagementIds: chats.map((c) => c.engagementId),
    keywordOnly,
    ...dateSpan([...conversations, ...chats]),
    counts: {
      closedConversations: closed.length,
      openConversations: open.length,
      consumerIds: consumerIds.length,
      chats: chats.length,
      keywordOnly: keywordOnly.length,
    },
    searched: findings.searched,
  };
}
