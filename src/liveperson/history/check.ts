import type { EngagementHistoryClient } from './engagement-history-client.js';
import { isHistoryError, type HistoryErrorCode, type HistoryService } from './errors.js';
import type { MsgHistoryClient } from './msg-history-client.js';

/** For `npm run doctor`: can these credentials read the history APIs? One small search each. */

export type HistoryAccess =
  | { service: HistoryService; ok: true }
  | { service: HistoryService; ok: false; code: HistoryErrorCode | 'UNKNOWN' };

const HOUR_MS = 60 * 60 * 1000;

async function probe(service: HistoryService, search: () => Promise<unknown>): Promise<HistoryAccess> {
  try {
    await search();
    return { service, ok: true };
  } catch (err) {
    return { service, ok: false, code: isHistoryError(err) ? err.code : 'UNKNOWN' };
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
