import { z } from 'zod';
import { channelNoticeSchema, requestNoticeSchema } from '../../domain/notices.js';
import { deletionRequestSchema, type DeletionRequest } from '../../domain/request.js';
import { StoreError } from '../errors.js';
import type { MonthState, OwedNotice } from '../port.js';

/*
 * The rows of the requests, notices and months tables turned back into the domain's values. A row that
 * does not parse is refused with a StoreError saying which table and what to do, never passed on.
 */

export const noticeSchema = z.union([requestNoticeSchema, channelNoticeSchema]);
export const monthStateSchema = z.object({
  livePerson: z.object({ total: z.number(), external: z.number(), syncedAt: z.string() }).optional(),
  alertsSent: z.record(z.string(), z.string()),
});

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
  const parsed = noticeSchema.safeParse(row.notice);
  if (!parsed.success) {
    throw new StoreError(
      'STORE_UNREADABLE',
      `A notice in the database ${server} (table notices, seq ${row.seq}) is not one lp-delete knows: ` +
        'it was written by a newer release, or edited by hand. Run the newer release, or delete that row.',
    );
  }
  return {
    lane: row.lane,
    seq: row.seq,
    notice: parsed.data,
    queuedAt: new Date(row.queued_at).toISOString(),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}

export function parseRequest(server: string, doc: unknown): DeletionRequest {
  const parsed = deletionRequestSchema.safeParse(doc);
  if (!parsed.success) {
    throw new StoreError(
      'STORE_UNREADABLE',
      `A request in the database ${server} (table requests) does not have the shape lp-delete ` +
        'expects: it was written by a newer release, or edited by hand. Run the newer release, or restore a backup.',
    );
  }
  return parsed.data;
}

export function parseMonthState(server: string, state: unknown): MonthState {
  const parsed = monthStateSchema.safeParse(state ?? { alertsSent: {} });
  if (!parsed.success) {
    throw new StoreError(
      'STORE_UNREADABLE',
      `A month's state in the database ${server} (table months) is not valid: restore a backup or delete that row.`,
    );
  }
  return parsed.data;
}
