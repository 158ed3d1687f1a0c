import { z } from 'zod';

/**
 * The history APIs' answers, reduced at the edge to what an erasure needs. zod's objects drop every key
 * they do not name, so names, emails, phone numbers, transcripts and SDE values LivePerson sends along
 * never get past the parse: the parsed values hold ids, statuses and times only.
 */

export type ConversationStatus = 'OPEN' | 'CLOSE';

export interface ConversationSummary {
  conversationId: string;
  /** Anything but CLOSE counts as OPEN: what LivePerson does not call closed is never deleted. */
  status: ConversationStatus;
  /** Epoch ms. */
  startTime: number;
  /** Epoch ms; null while open (LivePerson sends -1 or nothing). */
  endTime: number | null;
  /** `consumerParticipants[].participantId`, deduplicated. */
  consumerIds: string[];
}

export interface ConversationPage {
  /** `_metadata.count`: every record the search matched, across all pages. */
  count: number;
  records: ConversationSummary[];
  /** `_metadata.shardsStatusResult.partialResult`: LivePerson could not search everything. */
  partial: boolean;
}

export interface ChatSummary {
  /** Account id + chat id, as the rtbf `engagement` request wants it: passed through unchanged. */
  engagementId: string;
  visitorId: string | null;
  startTime: number;
  endTime: number | null;
}

export interface ChatPage {
  count: number;
  records: ChatSummary[];
  partial: boolean;
}

/** Ids arrive as strings, sometimes as numbers (engagement ids are long digit strings). */
export const idText = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
/**
 * Under zod 4 an object key is required unless its schema is `.optional()` (a union with z.undefined()
 * is not enough), so every field that may be missing says so.
 */
const optionalId = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));
/**
 * A documented time field: epoch ms (`startTimeL`), the text LivePerson's examples show
 * (`startTime`: "2016-08-29 14:30:24.565+0000"), digits in a string, or absent. -1, 0, null, the text
 * "undefined" or anything unreadable mean "none".
 */
export const epoch = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return null;
    const ms = typeof v === 'number' ? v : /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isFinite(ms) && ms > 0 ? ms : null;
  });

/** The start fields both history APIs send: epoch ms (`startTimeL`) or the text form (`startTime`). */
export const startFields = { startTimeL: epoch, startTime: epoch };
const timeFields = { ...startFields, endTimeL: epoch, endTime: epoch };

/** A search page's `_metadata`; an answer without records (a 204, an empty body) parses as `{ _metadata: { count: 0 } }`. */
const metadataSchema = z
  .object({
    count: z.number().int().nonnegative(),
    shardsStatusResult: z.object({ partialResult: z.boolean().optional() }).nullish(),
  })
  .transform((m) => ({ count: m.count, partial: m.shardsStatusResult?.partialResult === true }));

const conversationRecordSchema = z
  .object({
    info: z.object({
      conversationId: idText,
      status: z.string().nullish(),
      ...timeFields,
    }),
    consumerParticipants: z.array(z.object({ participantId: optionalId })).nullish(),
  })
  .transform((r): ConversationSummary => {
    const ids = (r.consumerParticipants ?? []).map((p) => p.participantId).filter((id) => id !== null);
    const status: ConversationStatus = r.info.status?.toUpperCase() === 'CLOSE' ? 'CLOSE' : 'OPEN';
    return {
      conversationId: r.info.conversationId,
      status,
      startTime: r.info.startTimeL ?? r.info.startTime ?? 0,
      endTime: status === 'CLOSE' ? (r.info.endTimeL ?? r.info.endTime) : null,
      consumerIds: [...new Set(ids)],
    };
  });

/** A Messaging Interactions search page of `record`s (none when the key is absent). */
export const conversationsPage = <R extends z.ZodType>(record: R) =>
  z
    .object({ _metadata: metadataSchema, conversationHistoryRecords: z.array(record).nullish() })
    .transform((p) => ({ ...p._metadata, records: p.conversationHistoryRecords ?? [] }));
/** An Engagement History search page of `record`s (none when the key is absent). */
export const chatsPage = <R extends z.ZodType>(record: R) =>
  z
    .object({ _metadata: metadataSchema, interactionHistoryRecords: z.array(record).nullish() })
    .transform((p) => ({ ...p._metadata, records: p.interactionHistoryRecords ?? [] }));

export const conversationPageSchema: z.ZodType<ConversationPage> =
  conversationsPage(conversationRecordSchema);

const chatRecordSchema = z
  .object({
    info: z.object({
      engagementId: idText,
      visitorId: optionalId,
      ...timeFields,
    }),
  })
  .transform((r): ChatSummary => ({
    engagementId: r.info.engagementId,
    visitorId: r.info.visitorId,
    startTime: r.info.startTimeL ?? r.info.startTime ?? 0,
    endTime: r.info.endTimeL ?? r.info.endTime,
  }));

export const chatPageSchema: z.ZodType<ChatPage> = chatsPage(chatRecordSchema);
