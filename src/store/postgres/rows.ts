import { z } from 'zod';
import { channelNoticeSchema, requestNoticeSchema } from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { StoreError } from '../errors.js';
import type { OwedNotice } from '../port.js';
import { monthStateSchema, type MonthState } from '../schemas.js';
import type { Query } from './session.js';

/*
 * The rows of the requests, notices and months tables turned back into the domain's values. A row that
 * does not parse is refused with a StoreError saying which table and what to do, never passed on.
 */

export const noticeSchema = z.union([requestNoticeSchema, channelNoticeSchema]);

/** `value` read through `schema`; a StoreError saying `refusal` when it does not parse. */
export function parseRow<T>(schema: z.ZodType<T>, value: unknown, refusal: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError('STORE_UNREADABLE', refusal);
  return parsed.data;
}

/** The `doc` column of each row `sql` finds, read through `parse`. */
export async function selectDocs<T>(
  q: Query,
  parse: (doc: unknown) => T,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const rows = await q<{ doc: unknown }>(sql, params);
  return rows.rows.map((row) => parse(row.doc));
}

export interface NoticeRow {
  lane: string;
  seq: number;
  notice: unknown;
  queued_at: Date;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
}

/** `server` (host:port) names the database in the messages. */
export function owedFromRow(server: string, row: NoticeRow): OwedNotice {
  const notice = parseRow(
    noticeSchema,
    row.notice,
    `A notice in the database ${server} (table notices, seq ${row.seq}) is not one lp-delete knows: ` +
      'it was written by a newer release, or edited by hand. Run the newer release, or delete that row.',
  );
  return {
    lane: row.lane,
    seq: row.seq,
    notice,
    queuedAt: new Date(row.queued_at).toISOString(),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}

export function parseRequest(server: string, doc: unknown): DeletionRequest {
  return parseRow(
    deletionRequestSchema,
    doc,
    `A request in the database ${server} (table requests) does not have the shape lp-delete ` +
      'expects: it was written by a newer release, or edited by hand. Run the newer release, or restore a backup.',
  );
}

export function parseMonthState(server: string, state: unknown): MonthState {
  return parseRow(
    monthStateSchema,
    state ?? { alertsSent: {} },
    `A month's state in the database ${server} (table months) is not valid: restore a backup or delete that row.`,
  );
}
