import type { AxiosInstance } from 'axios';
import type { LivePersonConfig } from '../config.js';
import type { DeletionType, LpRecord } from '../domain/types.js';
import type { AuthProvider } from './auth.js';
import type { DomainResolver } from './domain-api.js';
import {
  badResponse,
  extractDetail,
  httpError,
  LivePersonError,
  outcomeUnknown,
  type LivePersonOperation,
} from './errors.js';
import { connectLivePerson } from './connection.js';
import { type LpLogger, type RawAnswer, type Transport } from './http.js';
import { LpClock, type LpClockReading } from './lp-clock.js';
import { parseOptionalRecord, parseRecords, parseSingleRecord, ResponseShapeError } from './schemas.js';

export interface ListFilter {
  /** NOT_STARTED | IN_PROGRESS | CANCELED | DONE (passed through as given). */
  status?: string;
  /** yyyy-mm-dd, inclusive. */
  fromDate?: string;
  /** yyyy-mm-dd, inclusive. */
  toDate?: string;
}

export interface LivePersonCheck {
  /** Host (and port) answering the deletion API, e.g. `va.data.liveperson.net`. */
  rtbfHost: string;
  /** Host of the OAuth 2.0 token server; only for OAuth 2.0 credentials. */
  sentinelHost?: string;
  authKind: LivePersonConfig['auth']['kind'];
  /** The credentials were accepted: a token was issued (OAuth 2.0) or an authenticated read succeeded. */
  tokenOk: boolean;
}

/** What the rest of the app depends on; tests may substitute their own implementation. */
export interface LivePersonClient {
  /** Files a deletion request. Never retried automatically: a lost answer is LP_OUTCOME_UNKNOWN. */
  create(type: DeletionType, ids: string[]): Promise<LpRecord>;
  /** One request by LivePerson's request id; null when LivePerson has none. */
  get(requestId: string): Promise<LpRecord | null>;
  list(filter?: ListFilter): Promise<LpRecord[]>;
  /** Cancels inside LivePerson's 5-day window. Never retried automatically. */
  cancel(requestId: string): Promise<LpRecord>;
  check(): Promise<LivePersonCheck>;
  /**
   * LivePerson's clock against ours, from the `Date` header of its latest answer (undefined before the
   * first). Optional: a substitute client without it leaves reconciliation on our own clock's reading.
   */
  lpClock?(): LpClockReading | undefined;
}

export interface LivePersonClientDeps {
  now?: () => Date;
  http?: AxiosInstance;
  sleep?: (ms: number) => Promise<void>;
  log?: LpLogger;
  /** Pauses before each retry of a read (get/list); its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Domain API cache lifetime. */
  domainCacheTtlMs?: number;
}

/** LivePerson suggests 5/10/15 s; shorter pauses keep a person waiting in Slack less. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

interface CallOptions {
  operation: LivePersonOperation;
  method: 'GET' | 'POST';
  /** Appended to `…/personal-data-deletion`. */
  path?: string;
  query?: Record<string, string | undefined>;
  body?: string;
  /** Values the caller sent, removed from any error detail LivePerson echoes back. */
  sent?: readonly string[];
  /** Statuses handed back to the caller instead of becoming errors (e.g. 404 for get). */
  accept?: readonly number[];
}

export function createLivePersonClient(
  config: LivePersonConfig,
  deps: LivePersonClientDeps = {},
): LivePersonClient {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log: LpLogger = deps.log ?? (() => {});
  const retryDelays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const { transport, resolver, auth } = connectLivePerson(
    config,
    { ...deps, log, now },
    {
      rtbf: config.rtbfUrl,
      sentinel: config.sentinelUrl,
    },
  );
  const clock = new LpClock(now);
  const call = (options: CallOptions) => callRtbf(options, { config, transport, resolver, auth, log, clock });

  /** Reads are idempotent, so a 5xx or lost connection is worth another try after a pause. */
  async function withRetries<T>(operation: LivePersonOperation, attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        const delay = retryDelays[i];
        if (!(err instanceof LivePersonError) || !err.retryable || delay === undefined) throw err;
        log('lp.retry', { operation, attempt: i + 1, code: err.code, delayMs: delay });
        await sleep(delay);
      }
    }
  }

  async function list(filter: ListFilter = {}): Promise<LpRecord[]> {
    for (const [name, value] of [
      ['fromDate', filter.fromDate],
      ['toDate', filter.toDate],
    ] as const) {
      if (value !== undefined && !DATE_PATTERN.test(value)) {
        throw new LivePersonError('LP_BAD_REQUEST', `${name} must be a date as yyyy-mm-dd`, {
          retryable: false,
          operation: 'list',
        });
      }
    }
    const query = { status: filter.status, fromDate: filter.fromDate, toDate: filter.toDate };
    return withRetries('list', async () => {
      const answer = await call({ operation: 'list', method: 'GET', query });
      return parseWith('list', answer, parseRecords);
    });
  }

  return {
    async create(type, ids) {
      const body = JSON.stringify({ [type]: ids });
      // Only a refusal (a 4xx, 429 included) is a definite failure; callRtbf turns a 5xx into an unknown
      // outcome, and a 2xx we cannot read (even an empty 200) means LivePerson may well have filed it.
      const answer = await call({ operation: 'create', method: 'POST', body, sent: ids });
      let record: LpRecord;
      try {
        record = parseWith('create', answer, parseSingleRecord);
      } catch {
        const what = answer.body.trim() === '' ? 'an empty body' : 'a body that could not be read';
        log('lp.create.unreadable', { status: answer.status });
        throw outcomeUnknown('create', answer.status, `answered ${answer.status} with ${what}`);
      }
      log('lp.created', { requestId: record.requestId, status: answer.status });
      return record;
    },

    async get(requestId) {
      const path = `/${checkRequestId(requestId, 'get')}`;
      return withRetries('get', async () => {
        const answer = await call({ operation: 'get', method: 'GET', path, accept: [404] });
        if (answer.status === 404) return null;
        return parseWith('get', answer, parseOptionalRecord);
      });
    },

    list,

    lpClock: () => clock.reading(),

    async cancel(requestId) {
      const path = `/${checkRequestId(requestId, 'cancel')}/cancel`;
      const answer = await call({ operation: 'cancel', method: 'POST', path, sent: [requestId] });
      const record = parseWith('cancel', answer, parseSingleRecord);
      log('lp.cancelled', { requestId: record.requestId, status: answer.status });
      return record;
    },

    async check() {
      const rtbfHost = hostOf(await resolver.baseUrl('rtbf'));
      if (auth.fetchToken) {
        const sentinelHost = hostOf(await resolver.baseUrl('sentinel'));
        await auth.fetchToken();
        return { rtbfHost, sentinelHost, authKind: auth.kind, tokenOk: true };
      }
      // OAuth 1.0a and bearer have no token to fetch: an authenticated read proves the credentials.
      const today = now().toISOString().slice(0, 10);
      await list({ fromDate: today, toDate: today });
      return { rtbfHost, authKind: auth.kind, tokenOk: true };
    },
  };
}

interface CallContext {
  config: LivePersonConfig;
  transport: Transport;
  resolver: DomainResolver;
  auth: AuthProvider;
  log: LpLogger;
  clock: LpClock;
}

/**
 * One call to the deletion API. A 401 with OAuth 2.0 gets exactly one retry with a fresh token; that is
 * safe even for create, because LivePerson did nothing with an unauthorised call.
 */
async function callRtbf(options: CallOptions, ctx: CallContext): Promise<RawAnswer> {
  const base = await ctx.resolver.baseUrl('rtbf');
  const url =
    `${base}/api/account/${encodeURIComponent(ctx.config.accountId)}/personal-data-deletion` +
    `${options.path ?? ''}${queryString(options.query)}`;
  const send = async () => {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: await ctx.auth.authorization(options.method, url),
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return ctx.transport.send({
      operation: options.operation,
      method: options.method,
      url,
      headers,
      body: options.body,
      timeoutMs: ctx.config.timeoutMs,
    });
  };
  let answer = await send();
  ctx.clock.observe(answer.date);
  if (answer.status === 401 && ctx.auth.invalidate()) {
    ctx.log('lp.token.rejected', { operation: options.operation });
    answer = await send();
    ctx.clock.observe(answer.date);
  }
  if (answer.status >= 200 && answer.status < 300) return answer;
  if (options.accept?.includes(answer.status)) return answer;
  const detail = answer.status === 400 ? extractDetail(answer.body, options.sent) : undefined;
  throw httpError(options.operation, answer.status, detail);
}

/**
 * Query values are encoded per RFC 3986 (not `+` for spaces) so the URL OAuth 1.0a signs is byte for byte
 * the URL sent.
 */
function queryString(query: Record<string, string | undefined> | undefined): string {
  const pairs = Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  if (pairs.length === 0) return '';
  return `?${pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&')}`;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function parseWith<T>(operation: LivePersonOperation, answer: RawAnswer, parse: (body: unknown) => T): T {
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw badResponse(operation, answer.status, 'not JSON');
  }
  try {
    return parse(json);
  } catch (err) {
    throw badResponse(
      operation,
      answer.status,
      err instanceof ResponseShapeError ? err.message : 'unexpected shape',
    );
  }
}

/** Request ids go into the path: refuse anything that could change the URL. */
function checkRequestId(requestId: string, operation: LivePersonOperation): string {
  const trimmed = requestId.trim();
  if (!REQUEST_ID_PATTERN.test(trimmed)) {
    throw new LivePersonError('LP_BAD_REQUEST', `${operation} needs a LivePerson request id (digits)`, {
      retryable: false,
      operation,
    });
  }
  return trimmed;
}

function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}
