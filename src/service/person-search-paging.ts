import type { PageRequest, TimeRange } from '../liveperson/history/msg-history-client.js';
import { MAX_READABLE } from '../liveperson/limits.js';
import { LivePersonError, type HistoryApi } from '../liveperson/liveperson-error.js';
import { splitWindow } from './person-search-windows.js';

/**
 * Reading a history search to its last page. LivePerson's searches look like Elasticsearch, where
 * `offset + limit` past 10,000 is refused: a window that holds more is split in two and each half read,
 * never paged past it. The newest window ends "now", so `_metadata.count` may move while it is read:
 * records are deduplicated by id and pages read until one comes back short.
 */

export interface Page<T> {
  count: number;
  records: T[];
  partial: boolean;
}

export function incomplete(api: HistoryApi, expected: number, received: number): LivePersonError {
  return new LivePersonError(
    'HISTORY_INCOMPLETE',
    `The search was incomplete: LivePerson announced ${expected} records and sent ${received}. Search again.`,
    { api, operation: 'search', retryable: false },
  );
}

export interface ReadOptions<T> {
  service: HistoryApi;
  pageSize: number;
  idOf: (record: T) => string;
  /** Told of every page as it arrives. */
  onPage?: (page: Page<T>) => void;
  /** Asked before each further page (and before splitting a window): false stops the reading. */
  shouldContinue?: () => Promise<boolean>;
}

export type ReadOutcome<T> =
  | { kind: 'complete'; records: T[] }
  /** More than MAX_READABLE: what was read so far, to be split or stopped by the caller. */
  | { kind: 'too_many'; records: T[] }
  | { kind: 'stopped'; records: T[] };

/** Every page, offset = records received so far, until a short page; deduplicated by id. */
export async function readAllPages<T>(
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  options: ReadOptions<T>,
): Promise<ReadOutcome<T>> {
  const seen = new Map<string, T>();
  const records = () => [...seen.values()];
  let offset = 0;
  let count = 0;
  for (;;) {
    const limit = Math.min(options.pageSize, MAX_READABLE - offset);
    if (limit < 1) return { kind: 'too_many', records: records() };
    const page = await fetchPage({ offset, limit });
    if (page.partial) throw incomplete(options.service, page.count, offset + page.records.length);
    options.onPage?.(page);
    for (const record of page.records) seen.set(options.idOf(record), record);
    offset += page.records.length;
    count = page.count;
    // Asking for all 10,000 a page at a time would take a hundred calls only to find it too many.
    if (offset === page.records.length && count > MAX_READABLE) {
      return { kind: 'too_many', records: records() };
    }
    if (page.records.length < limit) break;
    if (options.shouldContinue && !(await options.shouldContinue()))
      return { kind: 'stopped', records: records() };
  }
  // A short page while LivePerson still counts more: something was not sent.
  if (offset < count) throw incomplete(options.service, count, offset);
  return { kind: 'complete', records: records() };
}

/**
 * Reads one `start` window, splitting it (and its halves, side by side) whenever it holds more than
 * MAX_READABLE records; the halves overlap where LivePerson rounds them out, hence the dedupe.
 */
export async function readWindow<T>(
  start: TimeRange,
  fetchPage: (start: TimeRange, page: PageRequest) => Promise<Page<T>>,
  options: ReadOptions<T>,
): Promise<ReadOutcome<T>> {
  const outcome = await readAllPages((page) => fetchPage(start, page), options);
  if (outcome.kind !== 'too_many') return outcome;
  if (options.shouldContinue && !(await options.shouldContinue()))
    return { kind: 'stopped', records: outcome.records };
  const halves = splitWindow(start);
  if (!halves) throw incomplete(options.service, MAX_READABLE + 1, outcome.records.length);
  const parts = await Promise.all(halves.map((half) => readWindow(half, fetchPage, options)));
  const records = new Map(parts.flatMap((part) => part.records).map((r) => [options.idOf(r), r]));
  const stopped = parts.some((part) => part.kind === 'stopped');
  return { kind: stopped ? 'stopped' : 'complete', records: [...records.values()] };
}
