import type { MsgHistoryClient } from '../liveperson/history/msg-history-client.js';
import { MSG_HIST_MAX_IDS } from '../liveperson/limits.js';
import type { ConversationStatus } from '../liveperson/history/schemas.js';

export interface HeldBackCheck {
  /** Closed since: can go into a new approval. */
  closed: string[];
  stillOpen: string[];
  /** No longer returned (past retention, or deleted meanwhile). */
  gone: string[];
}

/** For the sweep: which held-back conversations have closed since, by id (1b, 100 ids per call). */
export async function recheckHeldBack(
  conversationIds: readonly string[],
  msgHist: MsgHistoryClient,
): Promise<HeldBackCheck> {
  const status = new Map<string, ConversationStatus>();
  for (let i = 0; i < conversationIds.length; i += MSG_HIST_MAX_IDS) {
    const page = await msgHist.conversationsByIds(conversationIds.slice(i, i + MSG_HIST_MAX_IDS));
    for (const record of page.records) status.set(record.conversationId, record.status);
  }
  return {
    closed: conversationIds.filter((id) => status.get(id) === 'CLOSE'),
    stillOpen: conversationIds.filter((id) => status.has(id) && status.get(id) !== 'CLOSE'),
    gone: conversationIds.filter((id) => !status.has(id)),
  };
}
