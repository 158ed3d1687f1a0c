import type { DeletionRequest } from '../../domain/request.js';
import {
  COUNTING_STATUSES,
  idParts,
  isFinished,
  monthUsage,
  requestId,
  type MonthUsage,
  type QuotaKey,
} from '../port.js';
import { monthStateSchema, type MonthState } from '../schemas.js';
import { parseMonthState, parseRequest, selectDocs } from './rows.js';
import type { Query } from './session.js';

/*
 * The statements on the requests, request_ids and months tables, each run in the transaction it is given.
 * `server` (host:port) names the database in the messages of a row that does not parse.
 */

const COUNTING = [...COUNTING_STATUSES];

/** The request `id`; with `forUpdate`, its row stays locked until the transaction ends. */
export async function selectRequest(
  q: Query,
  server: string,
  id: string,
  forUpdate = false,
): Promise<DeletionRequest | undefined> {
  const sql = `SELECT doc FROM requests WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`;
  const [request] = await selectDocs(q, (doc) => parseRequest(server, doc), sql, [id]);
  return request;
}

/** The months requests are listed under, oldest first. */
export async function listMonths(q: Query): Promise<string[]> {
  const rows = await q<{ month: string }>('SELECT DISTINCT month FROM requests ORDER BY month');
  return rows.rows.map((row) => row.month);
}

/** The month's next request id (DR-yyyy-mm-nnnn), counted in request_ids. */
export async function nextRequestId(q: Query, month: string): Promise<string> {
  const counter = await q<{ last: number }>(
    `INSERT INTO request_ids (month, last) VALUES ($1, 1)
     ON CONFLICT (month) DO UPDATE SET last = request_ids.last + 1 RETURNING last`,
    [month],
  );
  const number = counter.rows[0]?.last ?? 1;
  return requestId(month, number);
}

/** Numbers its month's new ids on after an imported id's number. */
export async function noteImportedId(q: Query, id: string): Promise<void> {
  const parts = idParts(id);
  if (parts) {
    await q(
      `INSERT INTO request_ids (month, last) VALUES ($1, $2)
       ON CONFLICT (month) DO UPDATE SET last = GREATEST(request_ids.last, EXCLUDED.last)`,
      [parts.month, parts.number],
    );
  }
}

/**
 * Inserts or replaces a request with the columns derived from it. `replicaId` is recorded as the one
 * submitting it when the request moves into 'submitting'. It is listed under the month in its id.
 */
export async function saveRequest(q: Query, replicaId: string, request: DeletionRequest): Promise<void> {
  const parts = idParts(request.id);
  await q(
    `INSERT INTO requests (id, month, month_seq, account_id, status, is_open, quota_month, failure_code,
       lp_request_id, submitting_replica, created_at, doc)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $5 = 'submitting' THEN $10 END, $11, $12)
     ON CONFLICT (id) DO UPDATE SET
       account_id = EXCLUDED.account_id, status = EXCLUDED.status, is_open = EXCLUDED.is_open,
       quota_month = EXCLUDED.quota_month, failure_code = EXCLUDED.failure_code,
       lp_request_id = EXCLUDED.lp_request_id, created_at = EXCLUDED.created_at, doc = EXCLUDED.doc,
       updated_at = now(),
       -- Set when the request moves into 'submitting', kept while it stays there, cleared after.
       submitting_replica = CASE
         WHEN EXCLUDED.status <> 'submitting' THEN NULL
         WHEN requests.status = 'submitting' THEN requests.submitting_replica
         ELSE $10 END`,
    [
      request.id,
      parts?.month ?? null,
      parts?.number ?? null,
      request.accountId,
      request.status,
      !isFinished(request),
      request.quotaMonth ?? null,
      request.failure?.code ?? null,
      request.lpRecord?.requestId ?? null,
      replicaId,
      request.createdAt,
      JSON.stringify(request),
    ],
  );
}

/** The month's row, created when missing, locked until the transaction ends; returns its state. */
export async function lockMonth(q: Query, server: string, key: QuotaKey): Promise<MonthState> {
  const params = [key.accountId, key.month];
  await q('INSERT INTO months (account_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING', params);
  const row = await q<{ state: unknown }>(
    'SELECT state FROM months WHERE account_id = $1 AND month = $2 FOR UPDATE',
    params,
  );
  return parseMonthState(server, row.rows[0]?.state);
}

/** Replaces the month's state (its row exists: see lockMonth); `upsert` creates the row when missing. */
export async function saveMonthState(
  q: Query,
  key: QuotaKey,
  state: MonthState,
  upsert = false,
): Promise<void> {
  const json = JSON.stringify(monthStateSchema.parse(state));
  await q(
    upsert
      ? `INSERT INTO months (account_id, month, state) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, month) DO UPDATE SET state = EXCLUDED.state`
      : 'UPDATE months SET state = $3 WHERE account_id = $1 AND month = $2',
    [key.accountId, key.month, json],
  );
}

export async function usageWith(q: Query, server: string, key: QuotaKey): Promise<MonthUsage> {
  const counts = await q<{ used: number; spent: boolean; pending: number }>(
    `SELECT
       (SELECT count(*)::int FROM requests
          WHERE account_id = $1 AND quota_month = $2 AND status = ANY($3)) AS used,
       EXISTS (SELECT 1 FROM requests
          WHERE account_id = $1 AND quota_month = $2 AND failure_code = 'LP_QUOTA_REACHED') AS spent,
       (SELECT count(*)::int FROM requests WHERE status = 'pending_approval') AS pending`,
    [key.accountId, key.month, COUNTING],
  );
  const sql = 'SELECT state FROM months WHERE account_id = $1 AND month = $2';
  const state = await q<{ state: unknown }>(sql, [key.accountId, key.month]);
  const row = counts.rows[0];
  const counted = { used: row?.used ?? 0, spent: row?.spent ?? false, pendingApprovals: row?.pending ?? 0 };
  return monthUsage(counted, parseMonthState(server, state.rows[0]?.state));
}
