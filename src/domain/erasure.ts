import { z } from 'zod';
import { gdprDeadline } from './gdpr.js';
import { IDENTIFIER_KINDS } from './identifier.js';
import type { DeletionRequest } from './request.js';

/**
 * An erasure sent by a DSR platform through the intake API (issue 21): who sent it, its case, its status
 * as the platform sees it, and the callbacks owed to the platform. Never the identifier itself (only its
 * kind), like a person search.
 *
 * searching → awaiting_approval | nothing_found | failed
 * awaiting_approval → rejected | filed | failed
 * filed → done → verified (proof of erasure read everything back erased)
 *
 * Choices where the issue is silent:
 * - Namesakes (the identifier leads to more than one consumer): nothing is filed (a platform has nobody to
 *   choose among them); `failed` with `failure.code` NAMESAKES, as the Workflow Builder step does.
 * - An approval that expires undecided, a submission that fails, a cancel at LivePerson: `failed`, with a
 *   code saying which.
 * - `filed` once every part has been accepted by LivePerson (approved but still sending stays
 *   `awaiting_approval`): `filed` never claims a filing that may not exist.
 */

export const ERASURE_STATUSES = [
  'searching',
  'awaiting_approval',
  'nothing_found',
  'rejected',
  'filed',
  'done',
  'verified',
  'failed',
] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** Nothing more will change these (callbacks may still be owed). */
export const FINAL_ERASURE_STATUSES: ReadonlySet<ErasureStatus> = new Set([
  'nothing_found',
  'rejected',
  'verified',
  'failed',
]);

/** `ER-` and 24 hex digits. */
export const ERASURE_ID = /^ER-[0-9a-f]{24}$/;

export const erasureCallbackSchema = z.object({
  seq: z.number().int().min(1),
  status: z.enum(ERASURE_STATUSES),
  /** The JSON posted, exactly (it is what is signed). */
  body: z.string(),
  queuedAt: z.string(),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.string(),
  deliveredAt: z.string().optional(),
  lastError: z.string().optional(),
  /** A replica sending it now: nobody else sends it until `claimedUntil`. */
  claimedBy: z.string().optional(),
  claimedUntil: z.string().optional(),
});
export type ErasureCallback = z.infer<typeof erasureCallbackSchema>;

export const storedErasureSchema = z.object({
  id: z.string().regex(ERASURE_ID),
  /** The caller's name from INTAKE_TOKENS. */
  caller: z.string(),
  caseRef: z.string(),
  receivedOn: z.string(),
  identifierKind: z.enum(IDENTIFIER_KINDS),
  callbackUrl: z.string().optional(),
  status: z.enum(ERASURE_STATUSES),
  failure: z.object({ code: z.string() }).optional(),
  /** The lead request filed for it. */
  requestId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  callbacks: z.array(erasureCallbackSchema),
});
export type StoredErasure = z.infer<typeof storedErasureSchema>;

/** Still of interest to the sweep: not final, or a callback still owed. */
export function erasureOpen(erasure: StoredErasure): boolean {
  return !FINAL_ERASURE_STATUSES.has(erasure.status) || erasure.callbacks.some((c) => !c.deliveredAt);
}

export type DerivedStatus = Pick<StoredErasure, 'status' | 'failure'>;

/**
 * The status the requests of an erasure add up to; undefined while they are between two statuses
 * (approved and still being sent to LivePerson).
 */
export function statusOfRequests(parts: readonly DeletionRequest[]): DerivedStatus | undefined {
  if (parts.length === 0) return undefined;
  const any = (status: DeletionRequest['status']) => parts.some((p) => p.status === status);
  if (any('pending_approval')) return { status: 'awaiting_approval' };
  if (any('rejected')) return { status: 'rejected' };
  if (any('expired')) return { status: 'failed', failure: { code: 'APPROVAL_EXPIRED' } };
  if (any('failed'))
    return {
      status: 'failed',
      failure: { code: parts.find((p) => p.failure)?.failure?.code ?? 'SUBMISSION_FAILED' },
    };
  if (any('cancelled')) return { status: 'failed', failure: { code: 'CANCELLED' } };
  if (!parts.every((p) => p.status === 'submitted')) return undefined;
  if (!parts.every((p) => p.lpRecord?.status === 'DONE')) return { status: 'filed' };
  if (parts.every((p) => p.verification?.last?.outcome === 'verified')) return { status: 'verified' };
  return { status: 'done' };
}

/** What GET /api/v1/erasures/{id} answers, and every callback posts. */
export type ErasureView = ReturnType<typeof erasureView>;

export function erasureView(erasure: StoredErasure, parts: readonly DeletionRequest[]) {
  return {
    id: erasure.id,
    status: erasure.status,
    case_ref: erasure.caseRef,
    received_on: erasure.receivedOn,
    gdpr_deadline: gdprDeadline(erasure.receivedOn),
    requests: parts.map((p) => ({
      id: p.id,
      type: p.type,
      ids: p.ids.length,
      lp_request_id: p.lpRecord?.requestId ?? null,
      status: p.status,
    })),
    ...(erasure.failure ? { failure: erasure.failure } : {}),
    updated_at: erasure.updatedAt,
  };
}

/**
 * The erasure moved to `next`: the new state, with its callback queued when a URL was given. The
 * callback's body is the view at that moment (`view` of the new state).
 */
export function moveErasure(
  erasure: StoredErasure,
  next: DerivedStatus & { requestId?: string },
  now: Date,
  view: (moved: StoredErasure) => ErasureView,
): StoredErasure | undefined {
  if (FINAL_ERASURE_STATUSES.has(erasure.status)) return undefined;
  if (next.status === erasure.status && (next.requestId ?? erasure.requestId) === erasure.requestId)
    return undefined;
  const at = now.toISOString();
  const moved: StoredErasure = {
    ...erasure,
    status: next.status,
    ...(next.failure ? { failure: next.failure } : {}),
    ...(next.requestId ? { requestId: next.requestId } : {}),
    updatedAt: at,
  };
  if (next.status === erasure.status || !erasure.callbackUrl) return moved;
  const seq = (erasure.callbacks.at(-1)?.seq ?? 0) + 1;
  const callback: ErasureCallback = {
    seq,
    status: next.status,
    body: JSON.stringify(view(moved)),
    queuedAt: at,
    attempts: 0,
    nextAttemptAt: at,
  };
  return { ...moved, callbacks: [...erasure.callbacks, callback] };
}
