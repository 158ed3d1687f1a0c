import type { DeletionRequest } from '../../domain/request.js';
import type { QuotaKey } from '../port.js';
import { insertNotice, type ImportedNotice } from './notice-queries.js';
import { noteImportedId, saveRequest } from './request-queries.js';
import type { Query } from './session.js';

/*
 * The statements `npm run store -- copy` needs beyond a replica's own: storing another store's requests
 * as they are, and finding every account and month to copy.
 */

/** Stores `request` with its id and the notices it owes; refuses an id already here. */
export async function insertImported(
  q: Query,
  replicaId: string,
  imported: { request: DeletionRequest; notices: readonly ImportedNotice[] },
): Promise<void> {
  const { request, notices } = imported;
  const existing = await q('SELECT 1 FROM requests WHERE id = $1', [request.id]);
  if (existing.rowCount) throw new RangeError(`importRequest(): ${request.id} is already in this database`);
  await saveRequest(q, replicaId, request);
  await noteImportedId(q, request.id);
  for (const owed of notices) await insertNotice(q, request.id, owed);
}

/** Every account and month with a stored state or quota-holding requests. */
export async function quotaKeys(q: Query): Promise<QuotaKey[]> {
  const rows = await q<{ account_id: string; month: string }>(
    `SELECT account_id, month FROM months
     UNION SELECT account_id, quota_month FROM requests WHERE quota_month IS NOT NULL
     ORDER BY 2, 1`,
  );
  return rows.rows.map((row) => ({ accountId: row.account_id, month: row.month }));
}
