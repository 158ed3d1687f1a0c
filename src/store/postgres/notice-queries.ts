import {
  collapses,
  type ChannelNotice,
  type Notice,
  type QueuedNotice,
  type RequestNotice,
} from '../../domain/notices.js';
import type { DeletionRequest } from '../../domain/request.js';
import { CHANNEL_LANE, type ClaimedNotice, type NoticeFailure, type NoticeRef } from '../port.js';
import { noteImportedId, saveRequest, selectRequest } from './request-queries.js';
import { noticeSchema, owedFromRow, type NoticeRow } from './rows.js';
import type { Query } from './session.js';

/*
 * The statements on the notices table: a lane (CHANNEL_LANE or a request id) is delivered in seq order,
 * one notice at a time, by whichever replica claims its head. `server` (host:port) names the database in
 * the message of a row that does not parse.
 *
 * Claims are fenced without a schema change:
 * - `claimed_until` is set from the database's own `now()`, so a replica with a skewed clock, or one
 *   paused past its claim, cannot shorten anyone's claim.
 * - `claimed_by` holds `<replica id>/<token>`, a token of its own per claim: only the holder settles the
 *   notice (the replica part says whose lease the claim lives on).
 * - `claimed_until` stays set until an attempt is settled: noticeFailed with a certain failure clears it,
 *   one that may have posted leaves a past time in it. A claim that finds it set hands the notice out
 *   `maybePosted`: an attempt before ended without a certain outcome (a crash, a pause, a timeout).
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
     WHERE lane = $1 AND (claimed_by IS NULL OR claimed_until <= now()) ORDER BY seq`,
    [lane],
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
    `INSERT INTO notices (lane, notice, queued_at, attempts, next_attempt_at, last_error, claimed_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
    [
      lane,
      JSON.stringify(owed.notice),
      owed.queuedAt,
      owed.attempts,
      owed.nextAttemptAt,
      owed.lastError ?? null,
      // A notice that may have been posted keeps saying so (a past, unheld claim: see above).
      owed.maybePosted ? new Date(0) : null,
    ],
  );
  return row.rows[0]?.seq ?? 0;
}

/**
 * Stores `request` from another store (`npm run store -- copy`) with its id and the notices it owes;
 * refuses an id already here.
 */
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

/** A claimed row: the notice, its claim's token and whether an earlier attempt may have posted. */
export type ClaimedRow = NoticeRow & { claimed_by: string; maybe_posted: boolean };

/**
 * Claims up to `limit` lane heads due at `now` (the caller's clock, which set their retry times) for
 * `replicaId` until the database's `now()` + `claimMs`. The rows are parsed by the caller once the claim
 * is committed (see claimedInOrder).
 */
export async function claimDue(
  q: Query,
  claim: { now: Date; limit: number; claimMs: number; replicaId: string },
): Promise<ClaimedRow[]> {
  const { now, limit, claimMs, replicaId } = claim;
  // Only a lane's head (lowest seq) can be taken, so each lane is delivered in order. The due/unclaimed
  // test is on the locked row itself: PostgreSQL re-checks it on the newest version of a row another
  // replica has just claimed, and SKIP LOCKED passes over rows being claimed right now. A claim of a
  // replica whose lease ran out (it died mid-delivery) is void: its lane would otherwise wait out the
  // claim behind a notice nobody is delivering. A replica that was only paused does not post once its
  // lease may have run out (PostgresStore.claimsSafeUntil, kept by NoticeDelivery), and the notice comes
  // back maybePosted, so the new holder asks Slack first.
  const rows = await q<ClaimedRow>(
    `WITH heads AS (
         SELECT DISTINCT ON (lane) lane, seq FROM notices ORDER BY lane, seq
       ), picked AS (
         SELECT n.lane, n.seq, n.claimed_until IS NOT NULL AS maybe_posted
         FROM notices n JOIN heads h ON h.lane = n.lane AND h.seq = n.seq
         WHERE n.next_attempt_at <= $1 AND (
           n.claimed_by IS NULL OR n.claimed_until <= now()
           OR NOT EXISTS (SELECT 1 FROM replicas p
             WHERE p.id = split_part(n.claimed_by, '/', 1) AND p.lease_until > now()))
         ORDER BY n.next_attempt_at, n.seq
         LIMIT $2
         FOR UPDATE OF n SKIP LOCKED
       )
       UPDATE notices n SET claimed_until = now() + $3 * interval '1 millisecond',
         claimed_by = $4 || '/' || gen_random_uuid()
       FROM picked p WHERE n.lane = p.lane AND n.seq = p.seq
       RETURNING n.lane, n.seq, n.notice, n.queued_at, n.attempts, n.next_attempt_at, n.last_error,
         n.claimed_by, p.maybe_posted`,
    [now, limit, claimMs, replicaId],
  );
  return rows.rows;
}

/** Claimed rows as notices with their claim, earliest due first. */
export function claimedInOrder(server: string, rows: readonly ClaimedRow[]): ClaimedNotice[] {
  return rows
    .map((row) => ({ ...owedFromRow(server, row), claim: row.claimed_by, maybePosted: row.maybe_posted }))
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
 * Removes a delivered notice if `ref.claim` still holds it (false otherwise, and nothing is changed);
 * `effect` (a request lane only) changes its request in the same transaction, saved as `replicaId`'s change.
 */
export async function delivered(
  q: Query,
  server: string,
  replicaId: string,
  ref: NoticeRef,
  effect?: (request: DeletionRequest) => DeletionRequest,
): Promise<boolean> {
  // The request's row lock first, as every change takes it: no lock cycle with update().
  let current: DeletionRequest | undefined;
  if (ref.lane !== CHANNEL_LANE && effect) current = await selectRequest(q, server, ref.lane, true);
  const removed = await q('DELETE FROM notices WHERE lane = $1 AND seq = $2 AND claimed_by = $3', [
    ref.lane,
    ref.seq,
    ref.claim,
  ]);
  if (removed.rowCount !== 1) return false;
  if (current && effect) {
    const next = effect(current);
    if (next.id !== current.id)
      throw new RangeError(`noticeDelivered(): the effect must keep the id ${current.id}`);
    await saveRequest(q, replicaId, next);
  }
  return true;
}

/**
 * Counts a failed attempt of `ref.claim`'s (false when it no longer holds the notice), frees the claim and
 * sets when to try again; one that may have posted leaves a past claim time (see above).
 */
export async function noticeFailed(q: Query, ref: NoticeRef, failure: NoticeFailure): Promise<boolean> {
  const updated = await q(
    `UPDATE notices SET attempts = attempts + 1, next_attempt_at = $4, last_error = $5,
       claimed_until = CASE WHEN $6 THEN now() END, claimed_by = NULL
     WHERE lane = $1 AND seq = $2 AND claimed_by = $3`,
    [ref.lane, ref.seq, ref.claim, failure.retryAt, failure.error, failure.maybePosted === true],
  );
  return updated.rowCount === 1;
}

/** Every notice row, by lane and seq (parsed by the caller). */
export async function allNotices(q: Query): Promise<NoticeRow[]> {
  const rows = await q<NoticeRow>(
    `SELECT lane, seq, notice, queued_at, attempts, next_attempt_at, last_error FROM notices
     ORDER BY lane, seq`,
  );
  return rows.rows;
}
