import type { LivePersonConfig } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { silentLogger } from '../log.js';
import type { DeletionType, LpRecord } from '../domain/types.js';
import { createGateway, type GatewayDeps, type LivePersonRequest } from './gateway.js';
import { outcomeUnknown, refusedBeforeSending, type LivePersonOperation } from './liveperson-error.js';
import type { LpClockReading } from './lp-clock.js';
import { parseAnswer, parseOptionalRecord, parseRecords, parseSingleRecord } from './schemas.js';
import type { RawAnswer } from './transport.js';

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

export type LivePersonClientDeps = Omit<GatewayDeps, 'source' | 'baseUrls'>;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function createLivePersonClient(
  config: LivePersonConfig,
  deps: LivePersonClientDeps = {},
): LivePersonClient {
  const gateway = createGateway(config, deps);
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? systemClock;
  const base = `/api/account/${encodeURIComponent(config.accountId)}/personal-data-deletion`;
  type Call = Omit<LivePersonRequest, 'api' | 'operation' | 'path'> & { path?: string };
  const call = (operation: LivePersonOperation, options: Call) =>
    gateway.request({ ...options, api: 'deletion', operation, path: `${base}${options.path ?? ''}` });
  const read = <T>(operation: LivePersonOperation, answer: RawAnswer, parse: (json: unknown) => T) =>
    parseAnswer({ api: 'deletion', operation }, answer, parse);

  async function list(filter: ListFilter = {}): Promise<LpRecord[]> {
    for (const [name, value] of [
      ['fromDate', filter.fromDate],
      ['toDate', filter.toDate],
    ] as const) {
      if (value !== undefined && !DATE_PATTERN.test(value)) {
        throw refusedBeforeSending('list', `${name} must be a date as yyyy-mm-dd`);
      }
    }
    const query = { status: filter.status, fromDate: filter.fromDate, toDate: filter.toDate };
    return read('list', await call('list', { method: 'GET', query }), parseRecords);
  }

  return {
    async create(type, ids) {
      const body = JSON.stringify({ [type]: ids });
      // Only a refusal (a 4xx, 429 included) is a definite failure; a 5xx is an unknown outcome, and a 2xx
      // we cannot read (even an empty 200) means LivePerson may well have filed it.
      const answer = await call('create', { method: 'POST', body, sent: ids });
      let record: LpRecord;
      try {
        record = read('create', answer, parseSingleRecord);
      } catch {
        const what = answer.body.trim() === '' ? 'an empty body' : 'a body that could not be read';
        log.warn('lp.create.unreadable', { status: answer.status });
        throw outcomeUnknown('create', answer.status, `answered ${answer.status} with ${what}`);
      }
      log.info('lp.created', { requestId: record.requestId, status: answer.status });
      return record;
    },

    async get(requestId) {
      const path = `/${checkRequestId(requestId, 'get')}`;
      const answer = await call('get', { method: 'GET', path, accept: [404] });
      return answer.status === 404 ? null : read('get', answer, parseOptionalRecord);
    },

    list,

    lpClock: () => gateway.clock.reading(),

    async cancel(requestId) {
      const path = `/${checkRequestId(requestId, 'cancel')}/cancel`;
      const answer = await call('cancel', { method: 'POST', path, sent: [requestId] });
      const record = read('cancel', answer, parseSingleRecord);
      log.info('lp.cancelled', { requestId: record.requestId, status: answer.status });
      return record;
    },

    async check() {
      const { auth, resolver } = gateway;
      const rtbfHost = new URL(await resolver.baseUrl('rtbf')).host;
      if (auth.fetchToken) {
        const sentinelHost = new URL(await resolver.baseUrl('sentinel')).host;
        await auth.fetchToken('deletion');
        return { rtbfHost, sentinelHost, authKind: auth.kind, tokenOk: true };
      }
      // OAuth 1.0a and bearer have no token to fetch: an authenticated read proves the credentials.
      const today = now().toISOString().slice(0, 10);
      await list({ fromDate: today, toDate: today });
      return { rtbfHost, authKind: auth.kind, tokenOk: true };
    },
  };
}

/** Request ids go into the path: refuse anything that could change the URL. */
function checkRequestId(requestId: string, operation: LivePersonOperation): string {
  const trimmed = requestId.trim();
  if (!REQUEST_ID_PATTERN.test(trimmed)) {
    throw refusedBeforeSending(operation, `${operation} needs a LivePerson request id (digits)`);
  }
  return trimmed;
}
