import { z } from 'zod';
import { verificationResultSchema } from './verification-schema.js';

/**
 * Where to look in LivePerson's list for a request whose outcome is unknown: `request_time` between
 * `from` and `to` (UTC, LivePerson's clock), `requested_by` as lp-delete's own creates show it (null
 * when lp-delete has not yet seen one), and how many such requests no stored request accounts for.
 */
export const reconcileCheckSchema = z.object({
  from: z.string(),
  to: z.string(),
  requestedBy: z.string().nullable(),
  unexplained: z.number().int().min(0),
});
export type ReconcileCheck = z.infer<typeof reconcileCheckSchema>;

/**
 * Why a submission failed or may not have reached LivePerson, as facts: the words are chosen when the
 * notice is delivered (src/slack), so the service writes no sentences and rewording needs no migration.
 */
export const submissionFailureSchema = z.union([
  /** lp-delete itself failed while sending (no LivePerson answer): the request may or may not exist there. */
  z.object({ code: z.literal('UNEXPECTED') }),
  /**
   * lp-delete stopped while sending. `candidates`: LivePerson's request ids from around that time that no
   * other request claims (never exactly one: that one completes the request); null when LivePerson could
   * not be reached to check.
   */
  z.object({
    code: z.literal('INTERRUPTED'),
    candidates: z.array(z.string()).nullable(),
    /** What a person compares in LivePerson's list before anyone files it again (absent on old notices). */
    check: reconcileCheckSchema.optional(),
  }),
  /** LivePerson's error (its code, LP_…) with what the words for it depend on. */
  z.object({
    code: z.templateLiteral(['LP_', z.string()]),
    httpStatus: z.number().int().optional(),
    /** What the client was doing (create, list…). */
    operation: z.string().optional(),
    /** LivePerson's own explanation of a 400, already stripped of anything lp-delete sent. */
    detail: z.string().optional(),
    /** The setting a person must change (LP_INSECURE_URL). */
    setting: z.string().optional(),
  }),
]);
export type SubmissionFailure = z.infer<typeof submissionFailureSchema>;

/**
 * Notices as lp-delete saved them before they carried facts (and as upgrade.ts converts 0.1's outbox):
 * the words themselves, delivered as stored. Tried before the current shapes, which would drop the words.
 */
export const wordedNoticeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('failure_post'), what: z.string(), next: z.string() }),
  z.object({ kind: z.literal('requester_outcome'), what: z.string(), next: z.string().optional() }),
]);
export type WordedNotice = z.infer<typeof wordedNoticeSchema>;

/**
 * The Slack messages a change to a request owes, stored with the change itself (same write or transaction),
 * so a crash can never leave a change without its messages or a message without its change. A notice holds
 * only what the request does not: it is rendered at delivery from the request's latest state.
 */
const currentRequestNoticeSchema = z.discriminatedUnion('kind', [
  /** The approval message in the privacy channel (its location is stored when Slack takes it). */
  z.object({ kind: z.literal('approval_post') }),
  /** Re-render the approval message (decided, submitted, cancelled…); repeated ones collapse into one. */
  z.object({ kind: z.literal('approval_update') }),
  /** DM to the requester: filed, with a link to the approval message (so it follows approval_post). */
  z.object({
    kind: z.literal('requester_filed'),
    duplicatesDropped: z.number().int().min(0),
    /** Ticket ids whose LTK prefix or X suffix the form removed; worded when the DM is sent. */
    ticketChanges: z
      .object({ prefixesRemoved: z.number().int().min(0), suffixesRemoved: z.number().int().min(0) })
      .optional(),
    /** The same in words, as earlier versions saved it: sent as stored. */
    notes: z.array(z.string()).optional(),
  }),
  /** LivePerson's record in the thread (its location is stored, for the Cancel button's removal). */
  z.object({ kind: z.literal('record_post') }),
  /** Re-render a record already in the thread; repeated ones for the same message collapse into one. */
  z.object({ kind: z.literal('record_update'), channelId: z.string(), ts: z.string() }),
  /** In the thread: why the submission failed or may not have reached LivePerson. */
  z.object({ kind: z.literal('failure_post'), failure: submissionFailureSchema }),
  /** In the thread: who approved or rejected, and why. */
  z.object({ kind: z.literal('decision_note') }),
  /**
   * DM to the requester: the outcome (approved and submitted, rejected, failed, cancelled, expired);
   * `failure` when the submission failed or may not have reached LivePerson.
   */
  z.object({ kind: z.literal('requester_outcome'), failure: submissionFailureSchema.optional() }),
  z.object({ kind: z.literal('cancelled_post') }),
  z.object({ kind: z.literal('reminder_post'), expiresAt: z.string() }),
  z.object({ kind: z.literal('expired_post') }),
  /** In the thread: LivePerson finished deleting (status DONE), with the date. */
  z.object({ kind: z.literal('completed_post') }),
  /** DM to the requester: the deletion is done, with a confirmation text for the data subject. */
  z.object({
    kind: z.literal('completed_requester'),
    /** The first read-back's answer, when the deletion was checked (sent after it). */
    verification: verificationResultSchema.optional(),
  }),
  /** In the thread: what the read-back found; `alert` also tells the approvers (something is left). */
  z.object({ kind: z.literal('verification_post'), result: verificationResultSchema, alert: z.boolean() }),
  /** In the thread: still not final 30 days after submission (once). */
  z.object({ kind: z.literal('overdue_post') }),
  /** In the lead's thread: held-back open conversations have closed; a button files them anew. */
  z.object({ kind: z.literal('held_back_closed'), conversationIds: z.array(z.string()).min(1) }),
]);
/** Every request notice this version reads: the worded ones saved before, and the current ones. */
export const requestNoticeSchema = z.union([wordedNoticeSchema, currentRequestNoticeSchema]);
export type RequestNotice = z.infer<typeof requestNoticeSchema>;

/** Messages about no single request. */
export const channelNoticeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('quota_alert'), level: z.number().int(), month: z.string() }),
]);
export type ChannelNotice = z.infer<typeof channelNoticeSchema>;

export type Notice = RequestNotice | ChannelNotice;

/** A notice saved with its words (by an earlier version) rather than the facts behind them. */
export function isWorded(notice: Notice): notice is WordedNotice {
  return 'what' in notice;
}

/** A notice waiting for Slack: its place in its lane, and how delivery has gone so far. */
export const queuedNoticeSchema = z.object({
  seq: z.number().int().min(1),
  notice: z.union([requestNoticeSchema, channelNoticeSchema]),
  queuedAt: z.string(),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.string(),
  /** Slack's error code of the last failed attempt (never the payload). */
  lastError: z.string().optional(),
  /**
   * An earlier attempt may have reached Slack (it timed out, Slack answered 5xx, the process stopped while
   * delivering): the next one looks for the message in Slack before posting again.
   */
  maybePosted: z.boolean().optional(),
});
export type QueuedNotice = z.infer<typeof queuedNoticeSchema>;

/**
 * Adds `notice` to a lane's queue unless an equivalent one is still waiting there: two re-renders of the
 * same message deliver the same latest state, so the second adds nothing.
 */
export function collapses(waiting: readonly QueuedNotice[], notice: Notice): boolean {
  if (notice.kind === 'approval_update') return waiting.some((q) => q.notice.kind === 'approval_update');
  if (notice.kind === 'record_update') {
    return waiting.some(
      (q) =>
        q.notice.kind === 'record_update' &&
        q.notice.channelId === notice.channelId &&
        q.notice.ts === notice.ts,
    );
  }
  return false;
}

/**
 * Whether delivering `notice` posts a new message (rather than re-rendering one with chat.update, which may
 * be repeated harmlessly): only those are looked for in Slack after an attempt that may have posted.
 */
export function postsNewMessage(notice: Notice): boolean {
  return notice.kind !== 'approval_update' && notice.kind !== 'record_update';
}

/** Whether `notice` is a direct message to the requester (none is owed to a DSR platform's filing). */
export function isRequesterDm(notice: Notice): boolean {
  return ['requester_filed', 'requester_outcome', 'completed_requester'].includes(notice.kind);
}
