import type { AxiosInstance } from 'axios';
import pLimit from 'p-limit';
import pRetry, { type Options as RetryOptions } from 'p-retry';
import type { LivePersonConfig } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { silentLogger, type Logger } from '../log.js';
import { createAuthProvider, type AuthProvider } from './auth.js';
import { createDomainResolver, type DomainResolver, type LivePersonService } from './domain-api.js';
import { HISTORY_SOURCE } from './limits.js';
import {
  extractDetail,
  httpError,
  LivePersonError,
  WRITE_OPERATIONS,
  type LivePersonApi,
  type LivePersonOperation,
} from './liveperson-error.js';
import { LpClock } from './lp-clock.js';
import { createTransport, type RawAnswer } from './transport.js';

/**
 * The one road to LivePerson, for the deletion API and the history APIs alike: the host from the Domain
 * API, the credentials (OAuth 2.0 renewed once on a 401, OAuth 1.0a, bearer), the retry policy of the
 * API, and every status that is not an answer turned into a coded LivePersonError. Nothing here logs a
 * URL, a body or an answer.
 */

/** One layer of retries, as p-retry's options: how many, and the pauses between them. */
type RetryLayer = Pick<RetryOptions, 'retries' | 'minTimeout' | 'factor' | 'maxTimeout'>;

export interface RetryPolicy {
  /** Any retryable failure: a 5xx, no answer, a failed look-up (and a 429 without its own layer). */
  unavailable: RetryLayer;
  /** 429s, when the API asks for pauses of their own. */
  rateLimited?: RetryLayer;
}

const HISTORY_RETRY: RetryPolicy = {
  // LivePerson's advice for reads: after a 429 wait at least a second; after a 5xx try three more
  // times, after 5, 10 and 15 s.
  rateLimited: { retries: 5, minTimeout: 1000, factor: 1 },
  unavailable: { retries: 3, minTimeout: 5000, factor: 2, maxTimeout: 15_000 },
};

/** Each API's retry policy. Writes (create, cancel) are never retried: a lost answer is checked, not repeated. */
export const RETRY_POLICIES: Record<LivePersonApi, RetryPolicy> = {
  // LivePerson suggests 5/10/15 s; 1, 2 and 4 s keep a person waiting in Slack less.
  deletion: { unavailable: { retries: 3, minTimeout: 1000, factor: 2 } },
  'messaging-history': HISTORY_RETRY,
  'engagement-history': HISTORY_RETRY,
};

export const NO_RETRY: RetryPolicy = { unavailable: { retries: 0 } };

const SERVICES: Record<LivePersonApi, LivePersonService> = {
  deletion: 'rtbf',
  'messaging-history': 'msgHist',
  'engagement-history': 'engHistDomain',
};

/**
 * At most this many history calls in flight in one process (replica), whatever searches run: each
 * search keeps its own, lower bound (person-search.ts). A call holds its place through its retry
 * pauses, so a LivePerson that asks us to slow down gets fewer calls, not the same number later.
 */
export const HISTORY_CALLS_PER_REPLICA = 8;
const historyLimit = pLimit(HISTORY_CALLS_PER_REPLICA);

export interface LivePersonRequest {
  api: LivePersonApi;
  operation: LivePersonOperation;
  method: 'GET' | 'POST';
  /** After the host, starting with `/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: string;
  /** Values the caller sent, removed from any error detail LivePerson echoes back. */
  sent?: readonly string[];
  /** Statuses handed back to the caller instead of becoming errors (e.g. 404 for get). */
  accept?: readonly number[];
}

export interface GatewayDeps {
  now?: Clock;
  http?: AxiosInstance;
  log?: Logger;
  /** Replaces every API's retry policy (the doctor and tests). */
  retry?: RetryPolicy;
  /** Domain API cache lifetime. */
  domainCacheTtlMs?: number;
  /** The history calls' `source` (LivePerson throttles per source); defaults to HISTORY_SOURCE. */
  source?: string;
  /** Fixed base URLs that skip the Domain API (LP_RTBF_URL and LP_SENTINEL_URL come from the config). */
  baseUrls?: Partial<Record<LivePersonService, string>>;
}

export interface Gateway {
  readonly accountId: string;
  readonly auth: AuthProvider;
  readonly resolver: DomainResolver;
  /** LivePerson's clock, from the `Date` header of its latest answer. */
  readonly clock: LpClock;
  /** One call, retried by its API's policy; resolves with a 2xx (or an accepted status) only. */
  request(request: LivePersonRequest): Promise<RawAnswer>;
}

export function createGateway(config: LivePersonConfig, deps: GatewayDeps = {}): Gateway {
  const now = deps.now ?? systemClock;
  const log = deps.log ?? silentLogger;
  const transport = createTransport(deps.http, log, now);
  const calls = { accountId: config.accountId, transport, timeoutMs: config.timeoutMs, now, log };
  const resolver = createDomainResolver({
    ...calls,
    domainApiUrl: config.domainApiUrl,
    overrides: { rtbf: config.rtbfUrl, sentinel: config.sentinelUrl, ...deps.baseUrls },
    ttlMs: deps.domainCacheTtlMs,
  });
  const auth = createAuthProvider(config.auth, {
    ...calls,
    sentinelBaseUrl: (api) => resolver.baseUrl('sentinel', api),
  });
  const clock = new LpClock(now);

  /**
   * One try. A 401 with OAuth 2.0 gets exactly one more with a fresh token; that is safe even for a
   * create, because LivePerson did nothing with an unauthorised call.
   */
  async function once(request: LivePersonRequest): Promise<RawAnswer> {
    const { api, operation, method } = request;
    const base = await resolver.baseUrl(SERVICES[api], api);
    const query =
      api === 'deletion' ? request.query : { ...request.query, source: deps.source ?? HISTORY_SOURCE };
    const url = `${base}${request.path}${queryString(query)}`;
    const send = async () => {
      const headers: Record<string, string> = {
        Accept: 'application/json',
        Authorization: await auth.authorization(method, url, api),
      };
      if (request.body !== undefined) headers['Content-Type'] = 'application/json';
      const answer = await transport.send({
        api,
        operation,
        method,
        url,
        headers,
        body: request.body,
        timeoutMs: config.timeoutMs,
      });
      clock.observe(answer.date);
      return answer;
    };
    let answer = await send();
    if (answer.status === 401 && auth.invalidate()) {
      log.info('lp.token.rejected', { api, operation });
      answer = await send();
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (request.accept?.includes(answer.status)) return answer;
    const detail = answer.status === 400 ? extractDetail(answer.body, request.sent) : undefined;
    throw httpError(operation, answer.status, detail, api);
  }

  return {
    accountId: config.accountId,
    auth,
    resolver,
    clock,
    request(request) {
      const write = WRITE_OPERATIONS.includes(request.operation);
      const policy = write ? NO_RETRY : (deps.retry ?? RETRY_POLICIES[request.api]);
      const run = () => withRetries(policy, request, () => once(request), log);
      return request.api === 'deletion' ? run() : historyLimit(run);
    },
  };
}

/**
 * Runs `attempt` under `policy` with p-retry: 429s through their own layer when the policy has one (its
 * budget counts across the whole call), everything else retryable through the outer one.
 */
function withRetries<T>(
  policy: RetryPolicy,
  request: LivePersonRequest,
  attempt: () => Promise<T>,
  log: Logger,
): Promise<T> {
  const isRateLimited = (err: LivePersonError) => err.httpStatus === 429;
  const layered = (layer: RetryLayer, when: (err: LivePersonError) => boolean, run: () => Promise<T>) => {
    let used = 0;
    return () =>
      pRetry(run, {
        ...layer,
        shouldRetry: ({ error }) => {
          if (!(error instanceof LivePersonError) || !when(error) || used >= (layer.retries ?? 0))
            return false;
          used += 1;
          const { api, operation } = request;
          log.info('lp.retry', { api, operation, attempt: used, code: error.code });
          return true;
        },
      });
  };
  const { rateLimited } = policy;
  const inner = rateLimited ? layered(rateLimited, isRateLimited, attempt) : attempt;
  const outer = layered(
    policy.unavailable,
    (err) => err.retryable && !(rateLimited && isRateLimited(err)),
    inner,
  );
  return outer();
}

/**
 * Query values are encoded per RFC 3986 (not `+` for spaces) so the URL OAuth 1.0a signs is byte for byte
 * the URL sent.
 */
function queryString(query: Record<string, string | number | undefined> | undefined): string {
  const pairs = Object.entries(query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  if (pairs.length === 0) return '';
  return `?${pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`).join('&')}`;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
