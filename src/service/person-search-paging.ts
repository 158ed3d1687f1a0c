import { HistoryError, type HistoryService } from '../liveperson/history/errors.js';
import type { PageRequest } from '../liveperson/history/msg-history-client.js';

/** Reading a history search to the last page, refusing an answer that is short of what LivePerson counted. */

export interface Page<T> {
  count: number;
  records: T[];
  partial: boolean;
}

export function incomplete(service: HistoryService, expected: number, received: number): HistoryError {
  return new HistoryError(
    'HISTORY_INCOMPLETE',
    service,
    `The search was incomplete: LivePerson announced ${expected} records and sent ${received}. Search again.`,
  );
}

/**
 * Every page, offset = records received so far, until `_metadata.count` records are in. `onCall` is told
 * of each call, so a search can count them.
 */
export async function readAllPages<T>(
  service: HistoryService,
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  pageSize: number,
  onCall: () => void,
): Promise<T[]> {
  const records: T[] = [];
  let expected: number | undefined;
  for (;;) {
    onCall();
    const page = await fetchPage({ offset: records.length, limit: pageSize });
    if (page.partial) throw incomplete(service, page.count, records.length + page.records.length);
    // A count that moves between pages means records were added or removed while reading.
    if (expected !== undefined && page.count !== expected)
      throw incomplete(service, expected, records.length);
    expected = page.count;
    records.push(...page.records);
    if (records.length >= expected || page.records.length === 0) break;
  }
  if (records.length !== expected) throw incomplete(service, expected, records.length);
  return records;
}
