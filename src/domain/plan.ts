import type { z } from 'zod';
import type { planSummarySchema } from './request.js';
import { MAX_IDS_PER_REQUEST, type DeletionType } from './types.js';

/**
 * Turns what was found about a person (and/or plain id lists) into the LivePerson requests that erase
 * them: one deletion type per request, at most 100 ids each, in a fixed order. Pure: no clock, no I/O.
 * Expected refusals are returned as a code plus facts; slack/blocks puts them into words.
 */

/** The order requests are filed in, whatever order the ids came in. */
export const PLAN_ORDER: readonly DeletionType[] = ['consumer', 'conversation', 'engagement', 'ticketing'];

/** What a person search found; PersonSearchResult (service/person-search.ts) fits it as is. */
export interface PersonFindings {
  closedConversationIds: readonly string[];
  /** Open conversations: LivePerson can only delete closed ones, so these are held back. */
  openConversationIds: readonly string[];
  consumerIds: readonly string[];
  chatEngagementIds: readonly string[];
  /** Conversations that only mention the identifier: in the plan only when ticked. */
  keywordOnly: readonly { conversationId: string; status: 'OPEN' | 'CLOSE' }[];
}

export interface PlanInput {
  findings?: PersonFindings;
  /** Keyword-only conversation ids the officer ticked in; ids not among the hits are ignored. */
  tickedKeywordIds?: readonly string[];
  /** Plain id lists, already validated (the ordinary request modal), by deletion type. */
  ids?: Partial<Record<DeletionType, readonly string[]>>;
}

export interface QuotaLeft {
  /** Requests LivePerson will still take this month. */
  remaining: number;
  /** When the month's quota resets; null when unknown. */
  resetsAt: Date | null;
}

export interface PlannedRequest {
  type: DeletionType;
  ids: string[];
  /** 1-based position among the requests of this type, and how many there are. */
  part: number;
  parts: number;
}

/** Counts for the one-line summary ("1 consumer id, 12 closed conversations (2 open held back) → 2 …"). */
export type PlanSummary = z.infer<typeof planSummarySchema>;

export interface DeletionPlan {
  requests: PlannedRequest[];
  /** Each request counts once against LivePerson's monthly threshold. */
  quotaNeeded: number;
  /** Open conversation ids, to check again once they close. */
  heldBack: string[];
  summary: PlanSummary;
}

export type PlanRefusal =
  | { code: 'quota_short'; needed: number; remaining: number; resetsAt: Date | null; summary: PlanSummary }
  | { code: 'nothing_to_delete'; openHeldBack: number };

export type PlanOutcome = { ok: true; plan: DeletionPlan } | ({ ok: false } & PlanRefusal);

/** Splits ids into runs of at most `max` (LivePerson's 100 per request), keeping their order. */
export function splitIds<T>(ids: readonly T[], max: number = MAX_IDS_PER_REQUEST): T[][] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  const chunks: T[][] = [];
  for (let i = 0; i < ids.length; i += max) chunks.push(ids.slice(i, i + max));
  return chunks;
}

/** The first item of each key, in order. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const first = new Map<string, T>();
  for (const item of items) if (!first.has(key(item))) first.set(key(item), item);
  return [...first.values()];
}

/** UUIDs (conversation and consumer ids) compare case-insensitively; the first spelling is kept. */
function unique(ids: readonly string[]): string[] {
  const trimmed = ids.map((id) => id.trim()).filter((id) => id !== '');
  return uniqueBy(trimmed, (id) => id.toLowerCase());
}

export function planRequests(input: PlanInput): DeletionPlan {
  const findings = input.findings;
  const ticked = new Set((input.tickedKeywordIds ?? []).map((id) => id.toLowerCase()));
  const tickedHits = (findings?.keywordOnly ?? []).filter((hit) =>
    ticked.has(hit.conversationId.toLowerCase()),
  );
  const heldBack = unique([
    ...(findings?.openConversationIds ?? []),
    ...tickedHits.filter((hit) => hit.status !== 'CLOSE').map((hit) => hit.conversationId),
  ]);
  const held = new Set(heldBack.map((id) => id.toLowerCase()));
  const byType: Record<DeletionType, string[]> = {
    consumer: unique([...(findings?.consumerIds ?? []), ...(input.ids?.consumer ?? [])]),
    conversation: unique([
      ...(findings?.closedConversationIds ?? []),
      ...tickedHits.filter((hit) => hit.status === 'CLOSE').map((hit) => hit.conversationId),
      ...(input.ids?.conversation ?? []),
    ]).filter((id) => !held.has(id.toLowerCase())),
    engagement: unique([...(findings?.chatEngagementIds ?? []), ...(input.ids?.engagement ?? [])]),
    ticketing: unique(input.ids?.ticketing ?? []),
  };
  const requests = PLAN_ORDER.flatMap((type) => {
    const chunks = splitIds(byType[type]);
    return chunks.map((ids, index) => ({ type, ids, part: index + 1, parts: chunks.length }));
  });
  return {
    requests,
    quotaNeeded: requests.length,
    heldBack,
    summary: {
      consumerIds: byType.consumer.length,
      closedConversations: byType.conversation.length,
      openHeldBack: heldBack.length,
      chats: byType.engagement.length,
      tickets: byType.ticketing.length,
      keywordTicked: tickedHits.length,
      requests: requests.length,
    },
  };
}

/**
 * The plan, or why it cannot be filed: nothing deletable (only open conversations, or nothing found),
 * or more requests than the month has left — refused up front rather than half-filed.
 */
export function buildPlan(input: PlanInput, quota: QuotaLeft): PlanOutcome {
  const plan = planRequests(input);
  if (plan.quotaNeeded === 0) {
    return { ok: false, code: 'nothing_to_delete', openHeldBack: plan.heldBack.length };
  }
  const remaining = Math.max(0, quota.remaining);
  if (plan.quotaNeeded > remaining) {
    return {
      ok: false,
      code: 'quota_short',
      needed: plan.quotaNeeded,
      remaining,
      resetsAt: quota.resetsAt,
      summary: plan.summary,
    };
  }
  return { ok: true, plan };
}
