import { z } from 'zod';

/** The four deletion types LivePerson accepts; the value is also the create body's key. */
export const DELETION_TYPES = ['conversation', 'engagement', 'consumer', 'ticketing'] as const;
export const deletionTypeSchema = z.enum(DELETION_TYPES);
export type DeletionType = z.infer<typeof deletionTypeSchema>;

export const DELETION_TYPE_LABELS: Record<DeletionType, string> = {
  conversation: 'Messaging conversation',
  engagement: 'Chat engagement',
  consumer: 'Consumer',
  ticketing: 'Ticket (legacy accounts)',
};

/** LivePerson allows at most this many unique ids in one request. */
export const MAX_IDS_PER_REQUEST = 100;
/**
 * The form takes up to this many ids of one type; more than 100 become several requests under one
 * approval. The bound is what one approval message can show: the two id boxes hold 6,000 characters,
 * so 250 ids listed one per line in code spans stay within the message's 8,000-character id budget
 * (Slack refuses a message over 12,000 characters of block text).
 */
export const MAX_IDS_PER_APPROVAL = 250;
/** A created request can be cancelled at LivePerson for this many days. */
export const CANCEL_WINDOW_DAYS = 5;
/** After the cancel window, LivePerson guarantees deletion within this many days. */
export const DELETION_GUARANTEE_DAYS = 20;

/**
 * One LivePerson deletion request record, normalised from whatever shape LivePerson answered
 * (create: object; cancel: one-element array; get: array). Missing fields are null.
 */
export const lpRecordSchema = z.object({
  requestId: z.string(),
  siteId: z.string().nullable(),
  requestTime: z.string().nullable(),
  requestedBy: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  cancelTimestamp: z.string().nullable(),
  isCanceled: z.boolean(),
  /** Opaque: LivePerson's own example of it is not valid JSON. */
  deleteJson: z.string().nullable(),
  /** NOT_STARTED | IN_PROGRESS | CANCELED | DONE, or whatever LivePerson sends; null when absent. */
  status: z.string().nullable(),
});
export type LpRecord = z.infer<typeof lpRecordSchema>;
