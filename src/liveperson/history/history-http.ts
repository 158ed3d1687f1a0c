import type { AxiosInstance } from 'axios';
import pLimit from 'p-limit';
import type { LivePersonConfig } from '../../config.js';
import type { AuthProvider } from '../auth.js';
import { isLivePersonError } from '../errors.js';
import { connectLivePerson } from '../connection.js';
import { type LpLogger, type RawAnswer, type Transport } from '../http.js';
import { HistoryError, historyHttpError, type HistoryService } from './errors.js';

/**
 * What both history clients share: the host from the Domain API, the rtbf client's credentials, the
 * `source` parameter, and LivePerson's published retry advice for reads (429: wait at least a second;
 * 5xx: three more tries after 5, 10 and 15 s). Nothing here logs a URL, a body or an answer.
 */

/** LivePerson throttles per `source` (at most 20 characters, one per application and use case). */
export const HISTORY_SOURCE = 'lpDelete_rtbf';
export const MAX_SOURCE_LENGTH = 20;

/**
 * At most this many history calls in flight in one process (replica), whatever searches run: each
 * search keeps its own, lower bound (person-search.ts). A call holds its place through its retry
 * pauses, so a LivePerson that asks us to slow down gets fewer calls, not the same number later.
 */
export const HISTORY_CALLS_PER_REPLICA = 8;
const replicaLimit = pLimit(HISTORY_CALLS_PER_REPLICA);

export interface HistoryRetryPolicy {
  /** Pause before retrying a 429; LivePerson asks for at least one second. */
  rateLimitPauseMs: number;
  /** How many 429s in a row one call tolerates before giving up. */
  maxRateLimitRetries: number;
  /** Pauses before retrying a 5xx or lost connection; its length is the number of retries. */
  serverErrorPausesMs: readonly number[];
}

export const DEFAULT_HISTORY_RETRY: HistoryRetryPolicy = {
  rateLimitPauseMs: 1000,
  maxRateLimitRetries: 5,
  serverErrorPausesMs: [5000, 10_000, 15_000],
};

export interface HistoryConnection {
  accountId: string;
  transport: Transport;
  auth: AuthProvider;
  /** Scheme + host of a history service (from the Domain API), no trailing slash. */
  baseUrl: (service: HistoryService) => Promise<string>;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  log?: LpLogger;
  retry?: Partial<HistoryRetryPolicy>;
  /** Defaults to HISTORY_SOURCE. */
  source?: string;
}

export interface HistoryConnectionDeps {
  now?: () => Date;
  http?: AxiosInstance;
  sleep?: (ms: number) => Promise<void>;
  log?: LpLogger;
  retry?: Partial<HistoryRetryPolicy>;
  domainCacheTtlMs?: number;
}

/**
 * A connection built from the same settings as the rtbf client: same Domain API, same credentials.
 * (Each connection keeps its own OAuth 2.0 token; sharing one AuthProvider with the rtbf client is fine
 * too — pass a HistoryConnection by hand.)
 */
export function createHistoryConnection(
  config: LivePersonConfig,
  deps: HistoryConnectionDeps = {},
): HistoryConnection {
  const now = deps.now ?? (() => new Date());
  const log: LpLogger = deps.log ?? (() => {});
  const { transport, resolver, auth } = connectLivePerson(
    config,
    { ...deps, log, now },
    {
      sentinel: config.sentinelUrl,
    },
  );
  return {
    accountId: config.accountId,
    transport,
    auth,
    baseUrl: (service) => resolver.baseUrl(service),
    timeoutMs: config.timeoutMs,
    sleep: deps.sleep,
    log,
    retry: deps.retry,
  };
}

export interface HistoryCall {
  service: HistoryService;
  /** Short name for logs and errors, e.g. `conversations.search`. */
  call: string;
  /** Path after the host, starting with `/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body: unknown;
}

/**
 * POSTs one search and returns the raw answer of a 200 or 204; retries as LivePerson advises, renews an
 * OAuth 2.0 token once on 401, and turns anything else into a HistoryError. Waits for a place under
 * HISTORY_CALLS_PER_REPLICA first.
 */
export function postSearch(connection: HistoryConnection, request: HistoryCall): Promise<RawAnswer> {
  return replicaLimit(() => postSearchNow(connection, request));
}

async function postSearchNow(connection: HistoryConnection, request: HistoryCall): Promise<RawAnswer> {
  const policy = { ...DEFAULT_HISTORY_RETRY, ...connection.retry };
  const sleep = connection.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = connection.log ?? (() => {});
  const source = connection.source ?? HISTORY_SOURCE;
  let base: string;
  try {
    base = await connection.baseUrl(request.service);
  } catch (err) {
    throw asHistoryError(err, request);
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query.set(key, String(value));
  }
  query.set('source', source);
  const url = `${base}${request.path}?${query.toString()}`;
  const body = JSON.stringify(request.body);

  let rateLimited = 0;
  let serverErrors = 0;
  let renewed = false;
  for (;;) {
    let answer: RawAnswer | undefined;
    try {
      answer = await connection.transport.send({
        // The transport only knows the rtbf operations; a search is a read, like `list`.
        operation: 'list',
        method: 'POST',
        url,
        headers: {
          Authorization: await connection.auth.authorization('POST', url),
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body,
        timeoutMs: connection.timeoutMs,
      });
    } catch (err) {
      // A lost connection, or a token that could not be fetched: the latter is final unless retryable.
      if (!isLivePersonError(err) || !err.retryable) throw asHistoryError(err, request);
      answer = undefined;
    }
    if (answer && (answer.status === 200 || answer.status === 204)) return answer;
    if (answer?.status === 401 && !renewed && connection.auth.invalidate()) {
      renewed = true;
      continue;
    }
    const failure = answer
      ? historyHttpError(request.service, request.call, answer.status)
      : new HistoryError(
          'HISTORY_UNREACHABLE',
          request.service,
          `LivePerson ${request.call} could not be reached or did not answer`,
        );
    const fields = { service: request.service, call: request.call, status: answer?.status ?? null };
    if (answer?.status === 429 && rateLimited < policy.maxRateLimitRetries) {
      rateLimited += 1;
      const delayMs = Math.max(1000, policy.rateLimitPauseMs);
      log('lp.history.retry', { ...fields, attempt: rateLimited, delayMs });
      await sleep(delayMs);
      continue;
    }
    const pause = policy.serverErrorPausesMs[serverErrors];
    const retryable = !answer || answer.status >= 500;
    if (retryable && pause !== undefined) {
      serverErrors += 1;
      log('lp.history.retry', { ...fields, attempt: serverErrors, delayMs: pause });
      await sleep(pause);
      continue;
    }
    log('lp.history.failed', { ...fields, code: failure.code });
    throw failure;
  }
}

/**
 * Failures from the shared pieces (Domain API look-up, OAuth 2.0 token) in the history's own codes, so
 * callers handle one error type. Anything else is passed on untouched.
 */
function asHistoryError(err: unknown, request: HistoryCall): unknown {
  if (!isLivePersonError(err)) return err;
  const why = `LivePerson ${request.call} could not be prepared (${err.code})`;
  switch (err.code) {
    case 'LP_UNAUTHORIZED':
      return new HistoryError('HISTORY_UNAUTHORIZED', request.service, why, err.httpStatus);
    case 'LP_FORBIDDEN':
      return new HistoryError('HISTORY_FORBIDDEN', request.service, why, err.httpStatus);
    case 'LP_RATE_LIMITED':
      return new HistoryError('HISTORY_RATE_LIMITED', request.service, why, err.httpStatus);
    case 'LP_SERVER_ERROR':
      return new HistoryError('HISTORY_SERVER_ERROR', request.service, why, err.httpStatus);
    case 'LP_UNREACHABLE':
      return new HistoryError('HISTORY_UNREACHABLE', request.service, why, err.httpStatus);
    case 'LP_DOMAIN_LOOKUP_FAILED':
      return new HistoryError('HISTORY_HOST_UNKNOWN', request.service, why, err.httpStatus);
    default:
      return new HistoryError('HISTORY_BAD_RESPONSE', request.service, why, err.httpStatus);
  }
}

/** Parses a 200's JSON with `schema`; a 204 (no content) is `empty`. Never echoes the body. */
export function parseAnswer<T>(
  service: HistoryService,
  call: string,
  answer: RawAnswer,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  empty: T,
): T {
  if (answer.status === 204 || answer.body.trim() === '') return empty;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw new HistoryError(
      'HISTORY_BAD_RESPONSE',
      service,
      `LivePerson's answer to ${call} is not JSON`,
      200,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new HistoryError(
      'HISTORY_BAD_RESPONSE',
      service,
      `LivePerson's answer to ${call} is not in the documented shape`,
      200,
    );
  }
  return parsed.data;
}
