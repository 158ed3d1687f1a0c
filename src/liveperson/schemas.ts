import { z } from 'zod';
import { lpRecordSchema, type LpRecord } from '../domain/types.js';
import { badResponse, type LivePersonApi, type LivePersonOperation } from './liveperson-error.js';
import type { RawAnswer } from './transport.js';

/**
 * LivePerson's answers, parsed with every documented quirk tolerated (see the reference's "Quirks"):
 * `siteid`/`siteId`, object or array, numeric or string `request_id`, unknown statuses, missing or extra
 * fields, `delete_json` as a string (or an object, which is stringified).
 */

const stringish = z.union([z.string(), z.number(), z.bigint()]).transform((v) => String(v));
const nullableString = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined ? null : String(v)));
/** Times come as ISO strings; tolerate epoch milliseconds too. */
const nullableTime = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (typeof v === 'number' ? new Date(v).toISOString() : (v ?? null)));
const looseBoolean = z
  .union([z.boolean(), z.literal('true'), z.literal('false'), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined ? undefined : v === true || v === 'true'));
const deleteJson = z
  .unknown()
  .transform((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v)));

const rawRecordSchema = z.object({
  request_id: stringish,
  siteid: nullableString.optional(),
  siteId: nullableString.optional(),
  site_id: nullableString.optional(),
  request_time: nullableTime.optional(),
  requested_by: nullableString.optional(),
  cancelled_by: nullableString.optional(),
  canceled_by: nullableString.optional(),
  cancel_timestamp: nullableTime.optional(),
  is_canceled: looseBoolean.optional(),
  is_cancelled: looseBoolean.optional(),
  delete_json: deleteJson.optional(),
  status: nullableString.optional(),
});
type RawRecord = z.infer<typeof rawRecordSchema>;

/** LivePerson writes account ids both plain and with an `le` prefix; compare them without it. */
export function normaliseSiteId(siteId: string): string {
  return siteId.trim().replace(/^le/i, '');
}

function toRecord(raw: RawRecord): LpRecord {
  const siteId = raw.siteId ?? raw.siteid ?? raw.site_id ?? null;
  const status = raw.status ?? null;
  const cancelledBy = raw.cancelled_by ?? raw.canceled_by ?? null;
  const explicitCancel = raw.is_canceled ?? raw.is_cancelled;
  return lpRecordSchema.parse({
    requestId: raw.request_id,
    siteId: siteId === null ? null : normaliseSiteId(siteId),
    requestTime: raw.request_time ?? null,
    requestedBy: raw.requested_by ?? null,
    cancelledBy,
    cancelTimestamp: raw.cancel_timestamp ?? null,
    // get answers carry no is_canceled, only a status.
    isCanceled: explicitCancel ?? status?.toUpperCase() === 'CANCELED',
    deleteJson: raw.delete_json ?? null,
    status,
  });
}

export class ResponseShapeError extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'ResponseShapeError';
  }
}

function parseOne(value: unknown): LpRecord {
  const parsed = rawRecordSchema.safeParse(value);
  if (!parsed.success) {
    // Only field paths, never values: the values may be ids.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(record)'))];
    throw new ResponseShapeError(`unexpected record shape (${fields.join(', ')})`);
  }
  return toRecord(parsed.data);
}

/** Many records: an array, or a lone object treated as an array of one. */
export function parseRecords(body: unknown): LpRecord[] {
  if (Array.isArray(body)) return body.map(parseOne);
  if (typeof body === 'object' && body !== null) return [parseOne(body)];
  throw new ResponseShapeError('expected a record or an array of records');
}

/** Exactly one record: an object, or an array holding one (cancel's documented shape). */
export function parseSingleRecord(body: unknown): LpRecord {
  const records = parseRecords(body);
  const [first] = records;
  if (records.length !== 1 || !first) {
    throw new ResponseShapeError(`expected one record, got ${records.length}`);
  }
  return first;
}

/** Zero or one record (get by id): an empty array means LivePerson has none. */
export function parseOptionalRecord(body: unknown): LpRecord | null {
  const records = parseRecords(body);
  return records[0] ?? null;
}

export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

/**
 * Parses an answer's JSON with `parse` (which throws on a shape it does not know); anything unreadable is
 * LP_BAD_RESPONSE naming the call, never echoing the body.
 */
export function parseAnswer<T>(
  request: { api: LivePersonApi; operation: LivePersonOperation },
  answer: RawAnswer,
  parse: (json: unknown) => T,
): T {
  const { api, operation } = request;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw badResponse(operation, answer.status, 'not JSON', api);
  }
  try {
    return parse(json);
  } catch (err) {
    const why = err instanceof ResponseShapeError ? err.message : 'not in the documented shape';
    throw badResponse(operation, answer.status, why, api);
  }
}
