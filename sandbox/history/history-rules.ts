/**
 * LivePerson's history APIs as the stand-in models them, kept apart from HTTP: which `start` windows and
 * query parameters are allowed and what a search matches. What seeded data holds is in history-seed.ts,
 * the answer shapes in history-records.ts.
 */

export const MI_MAX_WINDOW_MONTHS = 3;
export const EH_MAX_WINDOW_MONTHS = 1;
export const RETENTION_MONTHS = 13;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;
export const MAX_SOURCE_LENGTH = 20;
/** `offset + limit` past this is refused (Elasticsearch's default result window; the pages are silent). */
export const MAX_RESULT_WINDOW = 10_000;
const TEN_MINUTES_MS = 10 * 60 * 1000;

/** The same wall-clock moment `months` calendar months later (UTC), clamped to the month's last day. */
export function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return target.getTime();
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * `start {from, to}`: epoch ms, required, `to` may be -1 (now); LivePerson rounds both out to 10 minutes
 * and refuses a span wider than `maxMonths` calendar months (checked after rounding, the stricter way).
 */
export function checkWindow(
  raw: unknown,
  maxMonths: number,
  now: number,
): Checked<{ from: number; to: number }> {
  if (typeof raw !== 'object' || raw === null) return { ok: false, message: 'start {from, to} is required' };
  const { from, to } = raw as Record<string, unknown>;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) {
    return { ok: false, message: 'start.from must be epoch milliseconds' };
  }
  if (typeof to !== 'number' || !Number.isInteger(to) || (to < 0 && to !== -1)) {
    return { ok: false, message: 'start.to must be epoch milliseconds or -1' };
  }
  const end = to === -1 ? now : to;
  if (end < from) return { ok: false, message: 'start.to must not be before start.from' };
  const roundedFrom = Math.floor(from / TEN_MINUTES_MS) * TEN_MINUTES_MS;
  const roundedTo = Math.ceil(end / TEN_MINUTES_MS) * TEN_MINUTES_MS;
  if (roundedTo > addUtcMonths(roundedFrom, maxMonths)) {
    return {
      ok: false,
      message: `start spans more than ${maxMonths} month${maxMonths === 1 ? '' : 's'}, which is not allowed`,
    };
  }
  return { ok: true, value: { from: roundedFrom, to: roundedTo } };
}

export interface Paging {
  offset: number;
  limit: number;
  descending: boolean;
}

const SORT_FIELDS = [
  'start',
  'end',
  'duration',
  'visitor',
  'engagementId',
  'interactive',
  'agentId',
  'skillId',
];

export function checkQuery(
  query: URLSearchParams,
  allowed: readonly string[],
  paged: boolean,
): Checked<Paging> {
  for (const key of new Set(query.keys())) {
    if (!allowed.includes(key)) return { ok: false, message: `Unsupported query parameter ${key}` };
    if (query.getAll(key).length > 1) return { ok: false, message: `Query parameter ${key} given twice` };
  }
  const source = query.get('source');
  if (source === null || source.trim() === '') return { ok: false, message: 'source is required' };
  if (source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, message: `source must be at most ${MAX_SOURCE_LENGTH} characters` };
  }
  if (!paged) return { ok: true, value: { offset: 0, limit: Number.MAX_SAFE_INTEGER, descending: false } };
  const offsetText = query.get('offset') ?? '0';
  const limitText = query.get('limit') ?? String(DEFAULT_LIMIT);
  if (!/^\d+$/.test(offsetText)) return { ok: false, message: 'offset must be a non-negative integer' };
  if (!/^\d+$/.test(limitText)) return { ok: false, message: 'limit must be a positive integer' };
  const limit = Number(limitText);
  if (limit < 1 || limit > MAX_LIMIT)
    return { ok: false, message: `limit must be between 1 and ${MAX_LIMIT}` };
  let descending = false;
  const sort = query.get('sort');
  if (sort !== null) {
    for (const [index, part] of sort.split(',').entries()) {
      const match = /^([A-Za-z]+):(asc|desc)$/.exec(part);
      if (!match || !SORT_FIELDS.includes(match[1] ?? '')) return { ok: false, message: 'sort is malformed' };
      if (index === 0) descending = match[2] === 'desc';
    }
  }
  const offset = Number(offsetText);
  if (offset + limit > MAX_RESULT_WINDOW) {
    return { ok: false, message: `offset + limit must not exceed ${MAX_RESULT_WINDOW}: narrow the search` };
  }
  return { ok: true, value: { offset, limit, descending } };
}

/** Values holding a run of more than 3 digits cannot be found by `sdeSearch` (LivePerson's rule). */
const UNSEARCHABLE_SDE = /\d{4,}/;

/** Words as a search engine's analyser cuts them: lower case, split on anything but letters and digits. */
export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');
}

/**
 * One text against a search value, as the conversations page describes it: in double quotes, "all
 * specified characters in the phrase and in the same position relative to each other" (the terms in a
 * row); unquoted, the terms loosely — any one of them is enough, the hardest reading of a page that only
 * says quoting is needed for a phrase. So an unquoted `jane.doe@example.org` matches anyone at
 * example.org.
 */
export function textMatches(text: string, query: string): boolean {
  const trimmed = query.trim();
  const quoted = /^"(.*)"$/s.exec(trimmed);
  const have = terms(text);
  if (quoted) {
    const phrase = terms(quoted[1] ?? '');
    if (phrase.length === 0) return false;
    for (let i = 0; i + phrase.length <= have.length; i++) {
      if (phrase.every((t, j) => have[i + j] === t)) return true;
    }
    return false;
  }
  const loose = new Set(terms(trimmed));
  return have.some((t) => loose.has(t));
}

export function sdeMatches(values: readonly string[], wanted: string): boolean {
  return values.some((v) => !UNSEARCHABLE_SDE.test(v) && textMatches(v, wanted));
}

/** `keyword`: the same rules, each text (message, chat line, field) on its own. */
export function keywordMatches(texts: readonly string[], keyword: string): boolean {
  return texts.some((t) => textMatches(t, keyword));
}

export function withinRetention(startTime: number, now: number): boolean {
  return startTime >= addUtcMonths(now, -RETENTION_MONTHS) && startTime <= now;
}
