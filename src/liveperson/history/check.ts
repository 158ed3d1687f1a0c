import { historyErrorCode, type HistoryErrorCode } from '../liveperson-error.js';
import type { EngagementHistoryClient } from './engagement-history-client.js';
import type { MsgHistoryClient } from './msg-history-client.js';

/** For `npm run doctor`: can these credentials read the history APIs? One small search each. */

/** Domain API service names, case sensitive. */
type HistoryService = 'msgHist' | 'engHistDomain';

export type HistoryAccess =
  | { service: HistoryService; ok: true }
  | { service: HistoryService; ok: false; code: HistoryErrorCode | 'UNKNOWN' };

export const HISTORY_API_NAMES: Record<HistoryService, string> = {
  msgHist: 'Messaging Interactions',
  engHistDomain: 'Engagement History',
};

const HOUR_MS = 60 * 60 * 1000;

async function probe(service: HistoryService, search: () => Promise<unknown>): Promise<HistoryAccess> {
  try {
    await search();
    return { service, ok: true };
  } catch (err) {
    return { service, ok: false, code: historyErrorCode(err) ?? 'UNKNOWN' };
  }
}

/**
 * Searches the last hour once per API (limit 1): enough to prove the host, the credentials and the
 * permission, cheap enough for a start-up check. Engagement History only when `engHist` is given.
 */
export async function checkHistoryAccess(
  clients: { msgHist: MsgHistoryClient; engHist?: EngagementHistoryClient },
  now: Date,
): Promise<HistoryAccess[]> {
  const start = { from: now.getTime() - HOUR_MS, to: now.getTime() };
  const page = { offset: 0, limit: 1 };
  const results = [await probe('msgHist', () => clients.msgHist.searchConversations({ start }, page))];
  const engHist = clients.engHist;
  if (engHist) results.push(await probe('engHistDomain', () => engHist.searchChats({ start }, page)));
  return results;
}
