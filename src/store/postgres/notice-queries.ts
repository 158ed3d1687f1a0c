import {
  collapses,
  type ChannelNotice,
  type Notice,
  type QueuedNotice,
  type RequestNotice,
} from '../../domain/notices.js';
import type { DeletionRequest } from '../../domain/request.js';
import { CHANNEL_LANE, type NoticeRef, type OwedNotice } from '../port.js';
import { saveRequest, selectRequest } from './request-queries.js';
import { noticeSchema, owedFromRow, type NoticeRow } from './rows.js';
import type { Query } from './session.js';

/*
 * The statements on the notices table: a lane (CHANNEL_LANE or a request id) is delivered in seq order,
 * one notice at a time, by whichever replica claims its head. `server` (host:port) names the database in
 * the message of a row that does not parse.
 */

/** A notice as importRequest takes it: its delivery state is kept, its seq is given anew (order kept). */
export type ImportedNotice = Omit<QueuedNotice, 'seq'> & { notice: Notice };

/** Queues notices in a lane, each unless an equal one waits unclaimed there (see `collapses`). */
export async function queueNotices(
  q: Query,
  server: string,
  now: Date,
  lane: string,
  notices: readonly (RequestNotice | ChannelNotice)[],
): Promise<void> {
  if (notices.length === 0) return;
  const waiting = await q<NoticeRow>(
    `SELECT lane, seq, notice, queued_at, attempts, next_attempt_at, last_error FROM notices
     WHERE lane = $1 AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY seq`,
    [lane, now],
  );
  const unclaimed: QueuedNotice[] = waiting.rows.map((row) => owedFromRow(server, row));
  for (const notice of notices) {
    if (collapses(unclaimed, notice)) continue;
    const owed: ImportedNotice = {
      notice: noticeSchema.parse(notice),
      queuedAt: now.toISOString(),
      attempts: 0,
      // Due at once, whatever clock the deliverer keeps (tests run the app on a clock of their own).
      nextAttemptAt: new Date(0).toISOString(),
    };
    const seq = await insertNotice(q, lane, owed);
    unclaimed.push({ ...owed, seq });
  }
}

/** Adds a notice at the end of its lane; returns its seq. */
export async function insertNotice(q: Query, lane: string, owed: ImportedNotice): Promise<number> {
  const row = await q<{ seq: number }>(
    `INSERT INTO notices (lane, notice, queued_at, attempts, next_attempt_at, last_error)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
    [
      lane,
      JSON.stringify(owed.notice),
      owed.queuedAt,
      owed.attempts,
      owed.nextAttemptAt,
      owed.lastError ?? null,
    ],
  );
  return row.rows[0]?.seq ?? 0;
}

/**
 * Claims up to `limit` due lane heads for `replicaId` until `now + claimMs`. The rows are parsed by the
 * caller once the claim is committed (see owedInOrder).
 */
export async function claimDue(
  q: Query,
  claim: { now: Date; limit: number; claimMs: number; replicaId: string },
): Promise<NoticeRow[]> {
  const { now, limit, claimMs, replicaId } = claim;
  // Only a lane's head (lowest seq) can be taken, so each lane is delivered in order. The due/unclaimed
  // test is on the locked row itself: PostgreSQL re-checks it on the newest version of a row another
  // replica has just claimed, and SKIP LOCKED passes over rows being claimed right now. A claim of a
  // replica whose lease ran out (it died mid-delivery) is void: its lane would otherwise wait out the
  // claim (a minute) behind a notice nobody is delivering.
  const rows = await q<NoticeRow>(
    `WITH heads AS (
         SELECT DISTINCT ON (lane) lane, seq FROM notices ORDER BY lane, seq
       ), picked AS (
         SELECT n.lane, n.seq FROM notices n JOIN heads h ON h.lane = n.lane AND h.seq = n.seq
         WHERE n.next_attempt_at <= $1 AND (
           n.claimed_until IS NULL OR n.claimed_until <= $1
           OR (n.claimed_by IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM replicas p WHERE p.id = n.claimed_by AND p.lease_until > now())))
         ORDER BY n.next_attempt_at, n.seq
         LIMIT $2
         FOR UPDATE OF n SKIP LOCKED
       )
       UPDATE notices n SET claimed_until = $3, claimed_by = $4
       FROM picked p WHERE n.lane = p.lane AND n.seq = p.seq
       RETURNING n.lane, n.seq, n.notice, n.queued_at, n.attempts, n.next_attempt_at, n.last_error`,
    [now, limit, new Date(now.getTime() + claimMs), replicaId],
  );
  return rows.rows;
}

/** Claimed rows as notices, earliest due first. */
export function owedInOrder(server: string, rows: readonly NoticeRow[]): OwedNotice[] {
  return rows
    .map((row) => owedFromRow(server, row))
    .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.seq - b.seq);
}

/** When the earliest lane head falls due (or its claim runs out). */
export async function nextDueAt(q: Query): Promise<Date | undefined> {
  const rows = await q<{ due: Date | null }>(
    `SELECT min(GREATEST(n.next_attempt_at, COALESCE(n.claimed_until, n.next_attempt_at))) AS due
     FROM notices n JOIN (SELECT lane, min(seq) AS seq FROM notices GROUP BY lane) h
       ON h.lane = n.lane AND h.seq = n.seq`,
  );
  const due = rows.rows[0]?.due;
  return due ? new Date(due) : undefined;
}

/**
 * Removes a delivered notice; `effect` (a request lane only) changes its request in the same transaction,
 * saved as `replicaId`'s change.
 */
export async function delivered(
  q: Query,
  server: string,
  replicaId: string,
  ref: NoticeRef,
  effect?: (request: DeletionRequest) => DeletionRequest,
): Promise<void> {
  // The request's row lock first, as every change takes it: no lock cycle with update().
  let current: DeletionRequest | undefined;
  if (ref.lane !== CHANNEL_LANE && effect) current = await selectRequest(q, server, ref.lane, true);
  await q('DELETE FROM notices WHERE lane = $1 AND seq = $2', [ref.lane, ref.seq]);
  if (current && effect) {
    const next = effect(current);
    if (next.id !== current.id)
      throw new RangeError(`noticeDelivered(): the effect must keep the id ${current.id}`);
    await saveRequest(q, replicaId, next);
  }
}

/** Counts a failed attempt, frees the claim and sets when to try again. */
export async function noticeFailed(
  q: Query,
  ref: NoticeRef,
  failure: { error: string; retryAt: Date },
): Promise<void> {
  await q(
    `UPDATE notices SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4,
       claimed_until = NULL, claimed_by = NULL
     WHERE lane = $1 AND seq = $2`,
    [ref.lane, ref.seq, failure.retryAt, failure.error],
  );
}

/** Every notice row, by lane and seq (parsed by the caller). */
export async function allNotices(q: Query): Promise<NoticeRow[]> {
  const rows = await q<NoticeRow>(
    `SELECT lane, seq, notice, queued_at, attempts, next_attempt_at, last_error FROM notices
     ORDER BY lane, seq`,
  );
  return rows.rows;
}
