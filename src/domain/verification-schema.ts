import { z } from 'zod';

/** What proof of erasure keeps on a request and in its notices (the rules are in verification.ts). */

/** What one check found, in records (conversations, or chats for a chat request). */
export const verificationCountsSchema = z.object({
  total: z.number().int().min(0),
  erased: z.number().int().min(0),
  /** Still readable at LivePerson with something unmasked. */
  residual: z.number().int().min(0),
  /** LivePerson returned nothing to check (older than its 13 months, or gone): never counted as erased. */
  notCheckable: z.number().int().min(0),
});
export type VerificationCounts = z.infer<typeof verificationCountsSchema>;

/** verified: everything checkable is erased; residual: something is left; not_checkable: nothing to read; not_verified: a read failed. */
export const verificationOutcomeSchema = z.enum(['verified', 'residual', 'not_checkable', 'not_verified']);
export type VerificationOutcome = z.infer<typeof verificationOutcomeSchema>;

export const verificationResultSchema = verificationCountsSchema.extend({
  at: z.string(),
  outcome: verificationOutcomeSchema,
  /** The request's own ids with something left (for File again); they are the request's ids already. */
  residualIds: z.array(z.string()).optional(),
  /** The failure's code, when a read failed. */
  code: z.string().optional(),
});
export type VerificationResult = z.infer<typeof verificationResultSchema>;

export const verificationStateSchema = z.object({
  /** When the next automatic check is due; absent when none is. */
  dueAt: z.string().optional(),
  /** Which automatic check is due next. */
  round: z.enum(['first', 'second']),
  /** The latest check (automatic or on demand). */
  last: verificationResultSchema.optional(),
  /** The latest check that read everything (the audit's verified_at and counts). */
  lastRead: verificationResultSchema.optional(),
  /** What the thread was last told (`answerKey`). */
  told: z.string().optional(),
  /** File again was clicked: claimed once; the new request's id once filed. */
  refiled: z.object({ by: z.string(), at: z.string(), requestId: z.string().optional() }).optional(),
});
export type VerificationState = z.infer<typeof verificationStateSchema>;
