import type { Gateway } from '../gateway.js';
import { CHAT_WINDOW_DAYS, HISTORY_PAGE_MAX, MSG_HIST_MAX_IDS } from '../limits.js';
import { LivePersonError } from '../liveperson-error.js';
import { chatCheckPageSchema, conversationCheckPageSchema, type CheckedRecord } from './erasure-check.js';
import { historyPaths, searchPage } from './msg-history-client.js';

/**
 * Reading back what a finished deletion request covered, to see whether LivePerson masked it
 * (erasure-check.ts says what "erased" means). Each function answers counts per id lp-delete already
 * holds: nothing LivePerson returned (names, emails, texts) leaves the function that looks.
 *
 * - Conversations: by id, 100 per call (`conversations/conversation/search`, `conversationIds`).
 * - A consumer: its closed conversations through the consumer search, page by page (`offset`/`limit`,
 *   max 100), until `_metadata.count` records are in. Only conversations that started before the
 *   deletion request count: later ones were not covered by it.
 * - Chats: Engagement History by `engagementId` (time limits are ignored with it, but `start` is still
 *   sent, 27 days back: the docs contradict each other, and a body without it is refused).
 * A conversation or chat LivePerson does not return (older than its 13 months, or gone) cannot be
 * checked: it is counted as such, never as erased.
 */

/** Consumer pages read at most (10,000 conversations): beyond that the answer is "incomplete". */
const MAX_CONSUMER_PAGES = 100;
/** The `start` window sent with an engagementId: well inside the 1-month limit after rounding. */
const CHAT_WINDOW_MS = CHAT_WINDOW_DAYS * 24 * 60 * 60 * 1000;

const CONTENT = ['messageRecords', 'sdes', 'consumerParticipants'];

/** What one id's read-back found, in records (conversations, or chats). */
export interface IdErasure {
  /** The id asked about: a conversation, consumer or engagement id of the request. */
  id: string;
  erased: number;
  /** Still readable at LivePerson, something left unmasked. */
  residual: number;
  /** LivePerson returned nothing to check (past its 13 months, or gone). */
  notCheckable: number;
}

/** Runs one HTTP call; the verification passes its limiter (at most 4 in flight) here. */
export type CallGate = <T>(call: () => Promise<T>) => Promise<T>;

export interface ErasureReader {
  conversations(ids: readonly string[]): Promise<IdErasure[]>;
  /** `before`: epoch ms of the deletion request; conversations started later are not counted. */
  consumer(consumerId: string, before: number): Promise<IdErasure>;
  chat(engagementId: string, now: number): Promise<IdErasure>;
}

export function createErasureReader(gateway: Gateway, gate: CallGate): ErasureReader {
  const paths = historyPaths(gateway.accountId);
  const readConversations = (path: string, body: unknown, query?: Record<string, number>) =>
    gate(() =>
      searchPage(gateway, { api: 'messaging-history', path, body, query }, conversationCheckPageSchema),
    );

  return {
    async conversations(ids) {
      const chunks: string[][] = [];
      for (let i = 0; i < ids.length; i += MSG_HIST_MAX_IDS) chunks.push(ids.slice(i, i + MSG_HIST_MAX_IDS));
      const pages = await Promise.all(
        chunks.map((chunk) =>
          readConversations(`${paths.conversations}/conversation/search`, {
            conversationIds: chunk,
            contentToRetrieve: CONTENT,
          }),
        ),
      );
      const found = erasedById(pages.flatMap((p) => p.records));
      return ids.map((id) => counts(id, found.get(id)));
    },

    async consumer(consumerId, before) {
      const records: CheckedRecord[] = [];
      for (let page = 0; page < MAX_CONSUMER_PAGES; page++) {
        const answer = await readConversations(
          `${paths.conversations}/consumer/search`,
          { consumer: consumerId, status: ['CLOSE'], contentToRetrieve: CONTENT },
          { offset: records.length, limit: HISTORY_PAGE_MAX },
        );
        records.push(...answer.records);
        if (records.length >= answer.count || answer.records.length === 0) {
          if (records.length < answer.count) throw incomplete();
          return consumerCounts(consumerId, records, before);
        }
      }
      throw incomplete();
    },

    async chat(engagementId, now) {
      const body = { start: { from: now - CHAT_WINDOW_MS, to: now }, engagementId };
      const query = { offset: 0, limit: HISTORY_PAGE_MAX };
      const search = { api: 'engagement-history' as const, path: paths.chats, body, query };
      const answer = await gate(() => searchPage(gateway, search, chatCheckPageSchema));
      return counts(engagementId, erasedById(answer.records).get(engagementId));
    },
  };
}

/** Per id, whether every record LivePerson returned for it is erased. */
function erasedById(records: readonly CheckedRecord[]): Map<string, boolean> {
  const byId = new Map<string, boolean>();
  for (const r of records) byId.set(r.id, (byId.get(r.id) ?? true) && r.erased);
  return byId;
}

/** One conversation's or chat's counts; `erased` undefined: LivePerson returned nothing to check. */
function counts(id: string, erased: boolean | undefined): IdErasure {
  return {
    id,
    erased: erased === true ? 1 : 0,
    residual: erased === false ? 1 : 0,
    notCheckable: erased === undefined ? 1 : 0,
  };
}

function consumerCounts(consumerId: string, records: CheckedRecord[], before: number): IdErasure {
  // Started after the deletion request: not covered by it.
  const byId = erasedById(records.filter((r) => r.startTime === null || r.startTime <= before));
  const erased = [...byId.values()].filter(Boolean).length;
  const residual = byId.size - erased;
  // Nothing readable for the consumer: the consumer itself cannot be checked.
  return { id: consumerId, erased, residual, notCheckable: byId.size === 0 ? 1 : 0 };
}

function incomplete(): LivePersonError {
  const options = { api: 'messaging-history', operation: 'search', retryable: false } as const;
  return new LivePersonError(
    'HISTORY_INCOMPLETE',
    'LivePerson returned fewer conversations than it counted',
    options,
  );
}
