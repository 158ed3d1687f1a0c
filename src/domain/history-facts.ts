import { z } from 'zod';
import { deletionTypeSchema } from './types.js';
import { verificationCountsSchema, verificationOutcomeSchema } from './verification-schema.js';

/*
 * What an audit-trail entry records beyond its event, as facts: never the deletion ids or the reason (the
 * history is exported). They are worded where the history is shown (src/audit/history-words.ts).
 */

/** Which check of proof of erasure read LivePerson's history back. */
const verificationTriggerSchema = z.enum(['first', 'second', 'retry', 'on_demand']);
export type VerificationTrigger = z.infer<typeof verificationTriggerSchema>;

export const historyFactsSchema = z.discriminatedUnion('kind', [
  /** Filed: how many ids of which type, and the duplicates dropped or which part of a group it is. */
  z.object({
    kind: z.literal('ids'),
    ids: z.number().int().min(0),
    type: deletionTypeSchema,
    duplicatesDropped: z.number().int().min(0).optional(),
    part: z.object({ number: z.number().int().min(1), of: z.number().int().min(1) }).optional(),
  }),
  /** A read-back of LivePerson's history: which check, and what it counted (or the code of a failed read). */
  verificationCountsSchema.extend({
    kind: z.literal('verification'),
    trigger: verificationTriggerSchema,
    outcome: verificationOutcomeSchema,
    code: z.string().optional(),
  }),
  /** Submitted or cancelled: LivePerson's request id; `afterInterruption` when found on LivePerson's list. */
  z.object({
    kind: z.literal('lp_request'),
    requestId: z.string(),
    afterInterruption: z.literal(true).optional(),
  }),
  /** Cancelled or completed as LivePerson reported it on its own. */
  z.object({ kind: z.literal('lp_reported') }),
  /** Decided together with the lead of its group. */
  z.object({ kind: z.literal('with_lead'), requestId: z.string() }),
  /** Filed again (what proof of erasure found left) as this request. */
  z.object({ kind: z.literal('filed_again_as'), requestId: z.string() }),
]);
export type HistoryFacts = z.infer<typeof historyFactsSchema>;
