import type { SandboxExtensionAnswer, SandboxExtensionCall } from '../rtbf/types.js';
import type { Paging } from './history-rules.js';
import type { SeededChat, SeededConversation } from './history-seed.js';
import type { HistoryStandInOptions } from './history-types.js';

/** What every history route shares: the seeded data it searches, body parsing, refusals and paging. */

export interface HistoryData {
  readonly accountId: string;
  /** Epoch milliseconds. */
  now(): number;
  readonly conversations: readonly SeededConversation[];
  readonly chats: readonly SeededChat[];
  readonly options: HistoryStandInOptions;
}

export const error = (status: number, message: string): SandboxExtensionAnswer => ({
  status,
  json: { message },
});

export type Body = Record<string, unknown>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; answer: SandboxExtensionAnswer };

export function jsonBody(call: SandboxExtensionCall): Parsed<Body> {
  const type = (call.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    return { ok: false, answer: error(415, 'Content-Type must be application/json') };
  try {
    const json: unknown = JSON.parse(call.body);
    if (typeof json === 'object' && json !== null && !Array.isArray(json))
      return { ok: true, value: json as Body };
  } catch {
    // Falls through to the refusal below.
  }
  return { ok: false, answer: error(400, 'Request body must be a JSON object') };
}

export function page<T>(
  matches: T[],
  paging: Paging,
  url: URL,
  recordsKey: string,
  toJson: (t: T) => unknown,
) {
  const window = matches.slice(paging.offset, paging.offset + paging.limit);
  const self = `${url.pathname}?${url.searchParams.toString()}`;
  const metadata: Record<string, unknown> = {
    count: matches.length,
    self: { rel: 'self', href: self },
    shardsStatusResult: { partialResult: false },
  };
  if (paging.offset + paging.limit < matches.length) {
    const next = new URLSearchParams(url.searchParams);
    next.set('offset', String(paging.offset + paging.limit));
    metadata.next = { rel: 'next', href: `${url.pathname}?${next.toString()}` };
  }
  return { status: 200, json: { _metadata: metadata, [recordsKey]: window.map(toJson) } };
}

export function ordered<T extends { startTime: number }>(
  items: T[],
  descending: boolean,
  id: (t: T) => string,
): T[] {
  // A plain comparison, not localeCompare: ids are ASCII and a search may sort ten thousand of them.
  const sorted = [...items].sort((a, b) => {
    const x = id(a);
    const y = id(b);
    return a.startTime - b.startTime || (x < y ? -1 : x > y ? 1 : 0);
  });
  return descending ? sorted.reverse() : sorted;
}
