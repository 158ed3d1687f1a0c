import type { DeletionRequest } from '../../domain/request.js';
import { countsAgainstQuota, marksMonthSpent, monthUsage, type MonthUsage, type QuotaKey } from '../port.js';
import type { MonthState } from '../schemas.js';

interface IndexEntry {
  accountId: string;
  quotaMonth?: string;
  counts: boolean;
  spent: boolean;
  pending: boolean;
  lpRequestId?: string;
}

/**
 * What the quota checks and LivePerson look-ups need of every request read at start-up or written since,
 * kept in memory so that neither reads a file.
 */
export class QuotaIndex {
  private readonly entries = new Map<string, IndexEntry>();

  put(request: DeletionRequest): void {
    this.entries.set(request.id, {
      accountId: request.accountId,
      quotaMonth: request.quotaMonth,
      counts: countsAgainstQuota(request),
      spent: marksMonthSpent(request),
      pending: request.status === 'pending_approval',
      lpRequestId: request.lpRecord?.requestId,
    });
  }

  /** The id of the request LivePerson knows by `lpRequestId`, if one is indexed. */
  idOfLpRequest(lpRequestId: string): string | undefined {
    return [...this.entries].find(([, entry]) => entry.lpRequestId === lpRequestId)?.[0];
  }

  /** The month's usage: the indexed requests' counts with the month's stored state. */
  usage(key: QuotaKey, state: MonthState): MonthUsage {
    let used = 0;
    let spent = false;
    let pendingApprovals = 0;
    for (const entry of this.entries.values()) {
      if (entry.pending) pendingApprovals += 1;
      if (entry.accountId !== key.accountId || entry.quotaMonth !== key.month) continue;
      if (entry.counts) used += 1;
      if (entry.spent) spent = true;
    }
    return monthUsage({ used, spent, pendingApprovals }, state);
  }
}
