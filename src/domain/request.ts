import { z } from 'zod';
import { historyFactsSchema } from './history-facts.js';
import { deletionTypeSchema, lpRecordSchema } from './types.js';
import { verificationStateSchema } from './verification-schema.js';

/**
 * A deletion request as lp-delete keeps it, from filing to LivePerson's answer.
 *
 * pending_approval ─approve→ submitting ─LivePerson 201→ submitted ─cancel→ cancelled
 *        │                        ├─definite failure (4xx/5xx)→ failed
 *        │                        └─timeout / lost connection / crash→ outcome_unknown
 *        ├─reject→ rejected
 *        └─(expiry)→ expired
 *
 * `submitting` is written to disk before LivePerson is called, so a crash never leads to a silent
 * second submission: a request found in `submitting` at start-up is never re-sent automatically.
 */
export const requestStatusSchema = z.enum([
  'pending_approval',
  'rejected',
  'submitting',
  'submitted',
  'failed',
  'outcome_unknown',
  'cancelled',
  'expired',
]);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const historyEntrySchema = z.object({
  at: z.string(),
  event: z.enum([
    'filed',
    'posted_for_approval',
    'approval_refused',
    'approved',
    'rejected',
    'submitted',
    'submission_failed',
    'outcome_unknown',
    'cancelled',
    'expired',
    'reminder_sent',
    'cancel_failed',
    'status_checked',
    'completed',
    'overdue_flagged',
    'verified',
    'note',
  ]),
  /** Slack user id of whoever acted; absent for the app's own steps. */
  by: z.string().optional(),
  /** What the step records, as facts (worded where shown). */
  facts: historyFactsSchema.optional(),
  /**
   * A code (`LP_BAD_REQUEST`, `interrupted`…), shown as is; entries written before `facts` existed hold
   * their detail in words here. Never LivePerson ids or the reason (the history is shown and exported).
   */
  detail: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * Why the submission failed or may not have reached LivePerson: LivePerson's error code (or UNEXPECTED,
 * INTERRUPTED) and HTTP status. The words for it are chosen when a message is rendered, from the facts
 * its notice carries.
 */
export const failureSchema = z.object({
  code: z.string(),
  /** The words earlier versions stored (no longer written): shown only when a message has no others. */
  message: z.string().optional(),
  httpStatus: z.number().optional(),
});
export type Failure = z.infer<typeof failureSchema>;

/** The counts an approval of several requests shows: "1 consumer id, 12 closed conversations (2 open held back)". */
export const planSummarySchema = z.object({
  consumerIds: z.number().int().min(0),
  closedConversations: z.number().int().min(0),
  openHeldBack: z.number().int().min(0),
  chats: z.number().int().min(0),
  tickets: z.number().int().min(0),
  /** Keyword-only hits the officer ticked in (part of closedConversations / openHeldBack). */
  keywordTicked: z.number().int().min(0),
  requests: z.number().int().min(1),
});

/**
 * Several requests under one approval (a person's plan, or more than 100 ids of one type): each part is
 * a request of its own (one type, at most 100 ids, its own submission, record, status and cancel), and
 * the first one filed, the lead, carries the approval message. Decisions are taken on the lead and
 * applied to every part.
 */
export const requestGroupSchema = z.object({
  /** The lead request's id. */
  id: z.string(),
  /** 0 for the lead. */
  index: z.number().int().min(0),
  size: z.number().int().min(1),
  /** Lead only: every part's id, the lead first; set once all parts exist (then it is posted). */
  members: z.array(z.string()).optional(),
  /** Lead only. */
  summary: planSummarySchema.optional(),
  /** Lead only: open conversations left out (LivePerson deletes closed ones only), checked again later. */
  heldBack: z.array(z.string()).optional(),
  /** Lead only: held-back conversations found closed since and offered for a new approval. */
  heldBackOffered: z.array(z.string()).optional(),
  /** Lead only: offered held-back conversations already filed anew (claimed once, whoever clicks). */
  heldBackFiled: z.array(z.string()).optional(),
  /** A group filed for held-back conversations: the lead of the group they were held back from. */
  heldBackFrom: z.string().optional(),
});

/** The outcomes of the Workflow Builder step's `outcome` output (domain/workflow-step.ts; the manifests list them). */
export const STEP_OUTCOMES = ['filed', 'rejected', 'nothing_found', 'failed'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

/**
 * Kept on the lead request filed by a step, in the same write that creates it, so the step is completed
 * after a restart or by another replica. `completedAt` is set once Slack took the completion (or said
 * the execution was no longer running, which means an earlier call of ours completed it).
 */
export const workflowStepSchema = z.object({
  /** Slack's function execution id (`Fx…`): what functions.completeSuccess/completeError name. */
  executionId: z.string(),
  completedAt: z.string().optional(),
  outcome: z.enum(STEP_OUTCOMES).optional(),
});
export type WorkflowStep = z.infer<typeof workflowStepSchema>;
export const submissionAttemptSchema = z.object({
  /** When the create was sent (our clock). */
  startedAt: z.string(),
  /** When its outcome became unsure (a timeout, a lost answer; our clock); absent after a crash. */
  endedAt: z.string().optional(),
  /** LivePerson's clock minus ours at the time; absent when LivePerson had not yet sent a `Date`. */
  lpOffsetMs: z.number().optional(),
  /** When it was sent on LivePerson's clock (by its last `Date`); absent when it had sent none yet. */
  lpStartedAt: z.string().optional(),
  /** The replica (store replicaId) that sent it. */
  by: z.string(),
});

/** Kept on the lead request filed for an erasure of the intake API (issue 21), in the write that files it. */
export const intakeLinkSchema = z.object({ erasureId: z.string(), caller: z.string() });
export type IntakeLink = z.infer<typeof intakeLinkSchema>;

export const deletionRequestSchema = z.object({
  /** Local id shown to people, e.g. `DR-7K3QX9`. */
  id: z.string(),
  accountId: z.string(),
  type: deletionTypeSchema,
  ids: z.array(z.string()).min(1),
  reason: z.string(),
  requestedBy: z.string(),
  createdAt: z.string(),
  status: requestStatusSchema,
  /** Calendar month (yyyy-mm in QUOTA_TIMEZONE) whose quota this request uses once approved. */
  quotaMonth: z.string().optional(),
  approvalMessage: z.object({ channelId: z.string(), ts: z.string() }).optional(),
  decision: z
    .object({
      outcome: z.enum(['approved', 'rejected']),
      by: z.string(),
      at: z.string(),
      reason: z.string().optional(),
    })
    .optional(),
  lpRecord: lpRecordSchema.optional(),
  failure: failureSchema.optional(),
  /** When the data subject made the request (`yyyy-mm-dd`); the GDPR deadline counts from it. Absent on old records. */
  subjectRequestedOn: z.string().optional(),
  /** When the approval reminder was posted: it is posted once. */
  reminderSentAt: z.string().optional(),
  /** A cancel at LivePerson, claimed in one transaction so concurrent clicks cancel once. */
  cancellation: z
    .object({ by: z.string(), at: z.string(), state: z.enum(['in_progress', 'done']) })
    .optional(),
  /** Where LivePerson's record was posted in the thread (its Cancel button lives there). */
  recordMessage: z.object({ channelId: z.string(), ts: z.string() }).optional(),
  /** When the record was re-rendered without Cancel because the window had closed: done once. */
  recordClosedAt: z.string().optional(),
  /** When LivePerson's status (lpRecord.status) was last read. */
  lpStatusCheckedAt: z.string().optional(),
  /** When a person's click or command last claimed a LivePerson read (at most one per 30 s per request). */
  lpStatusAskedAt: z.string().optional(),
  /** When lp-delete first read LivePerson's status DONE: the deletion is complete (the follow-up told people). */
  completedAt: z.string().optional(),
  /** When the thread was told the request was still not final 30 days after submission: once. */
  overdueFlaggedAt: z.string().optional(),
  /** Set when this request is one part of several under one approval. */
  group: requestGroupSchema.optional(),
  /**
   * What the officer searched LivePerson for (an email, a consumer id, a name), as lp-delete before issue 19
   * kept it: still read, no longer written (`subjectKind` is).
   */
  subject: z.string().optional(),
  /** What kind of identifier found the person (erasing a person): kept instead of the identifier itself. */
  subjectKind: z.enum(['email', 'consumer_id', 'phone', 'name']).optional(),
  /** Several consumers matched the search (namesakes): how many, and how many the officer chose. */
  namesakes: z.object({ matched: z.number().int().min(0), chosen: z.number().int().min(0) }).optional(),
  /** Proof of erasure: the read-backs after DONE (domain/verification.ts). */
  verification: verificationStateSchema.optional(),
  /** Filed by File again for what this earlier request left readable at LivePerson (its id). */
  refileOf: z.string().optional(),
  /** Filed by the Workflow Builder step (lead only): the execution to complete once decided. */
  workflowStep: workflowStepSchema.optional(),
  /**
   * The create call made for this request: saved, under the account's create lock, just before LivePerson
   * is called. A request `submitting` without it was never sent. Reconciliation reads LivePerson's list
   * in the window the attempt spans on LivePerson's clock (`lpOffsetMs`: its clock minus ours, from the
   * `Date` of its last answer before the call).
   */
  attempt: submissionAttemptSchema.optional(),
  /**
   * Approved and not sent yet: set with `submitting`, removed when the attempt is saved. A request left
   * `submitting` with it was provably never sent, so it is sent (once: the attempt is the fence); one
   * without it or an attempt (saved by an earlier version) may have been, and is looked up instead.
   */
  unsent: z.literal(true).optional(),
  /** Filed with `npm run lp -- create`, not through Slack: kept so reconciliation can account for it. */
  origin: z.literal('cli').optional(),
  /** Filed for an erasure of the intake API (lead only). */
  intake: intakeLinkSchema.optional(),
  history: z.array(historyEntrySchema),
});
export type DeletionRequest = z.infer<typeof deletionRequestSchema>;
