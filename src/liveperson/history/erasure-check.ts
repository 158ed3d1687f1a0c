import { z } from 'zod';
import { chatsPage, conversationsPage, idText, startFields } from './schemas.js';

/**
 * Whether a record LivePerson still returns after a deletion is erased: LivePerson's deletion is a
 * masking, the conversation or chat stays readable with its personal content replaced by a fixed text.
 *
 * The masking text, as LivePerson's Personal Data Deletion overview writes it (developer-center,
 * `pages/Documents/Reporting/PersonalDataDeletionAPI/overview.md` and the older
 * `pages/documents/data/...` copies): the page's source reads `*** LP deleted data ***`, which the
 * rendered page (and LivePerson's Messaging Interactions documentation) shows as `** LP deleted data **`.
 * Both spellings count as masked; nothing else does. A value made only of masking texts is masked (a
 * `consumerName` joined from a masked first and last name); a value with anything else beside them, or
 * any other placeholder, is still personal data.
 *
 * A record is erased when none of these is left unmasked (empty or absent counts as nothing left):
 * - conversations: every message text (`messageRecords[].messageData.msg.text`), every consumer
 *   participant's `firstName`, `lastName`, `consumerName`, `email`, `phone`, and every personal SDE value;
 * - chats: every transcript line, `info.visitorName`, every pre-chat survey answer, and personal SDEs.
 * Personal SDE values are the string values under the keys in PERSONAL_SDE_KEYS, wherever they sit in an
 * event (LivePerson's SDE shapes nest differently per kind); other SDE fields (status, timestamps, types)
 * are not personal and are not masked by LivePerson, so they are not looked at.
 * A value of an unexpected shape (an object where text belongs) counts as left: never a false "erased".
 *
 * Nothing here keeps, returns or logs a value: the parse drops every field it does not name, and the
 * check answers one boolean per record.
 */

export const LP_MASKING_TEXTS: readonly string[] = ['** LP deleted data **', '*** LP deleted data ***'];

/** SDE keys holding personal data (LivePerson's personalInfo, customerInfo and userProfile SDEs). */
export const PERSONAL_SDE_KEYS: ReadonlySet<string> = new Set([
  'name',
  'surname',
  'firstName',
  'firstname',
  'lastName',
  'lastname',
  'email',
  'phone',
  'phoneNumber',
  'address',
  'customerId',
  'userName',
  'username',
  'accountName',
  'socialId',
  'imei',
  'userProfile',
  'company',
]);

/** A leaf: absent, null or empty → nothing left; one of the masking texts → masked; anything else → left. */
export function isMasked(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  // Longest spelling first, so `*** … ***` is not read as `** … **` with stray asterisks.
  let text = value;
  for (const mask of [...LP_MASKING_TEXTS].sort((a, b) => b.length - a.length))
    text = text.split(mask).join(' ');
  return text.trim() === '';
}

/** Every personal SDE value in an event, wherever it is nested, is masked. */
function sdeEventErased(event: unknown, depth = 0): boolean {
  if (depth > 8 || event === null || typeof event !== 'object') return true;
  for (const [key, value] of Object.entries(event)) {
    if (value !== null && typeof value === 'object') {
      if (!sdeEventErased(value, depth + 1)) return false;
    } else if (PERSONAL_SDE_KEYS.has(key) && !isMasked(value)) {
      return false;
    }
  }
  return true;
}

const leaf = z.unknown();
/** A consumer participant's personal fields; the parse keeps these only, and every one must be masked. */
const participantFields = { firstName: leaf, lastName: leaf, consumerName: leaf, email: leaf, phone: leaf };
const sdesSchema = z.object({ events: z.array(z.unknown()).nullish() }).nullish();

export interface CheckedRecord {
  /** The conversation or engagement id (one lp-delete already holds or asked by). */
  id: string;
  erased: boolean;
  /** Epoch ms; null when LivePerson sent none. */
  startTime: number | null;
}

const conversationSchema = z
  .object({
    info: z.object({ conversationId: idText, ...startFields }),
    consumerParticipants: z.array(z.object(participantFields).partial()).nullish(),
    messageRecords: z
      .array(
        z
          .object({
            messageData: z
              .object({ msg: z.object({ text: leaf }).partial().nullish() })
              .partial()
              .nullish(),
          })
          .partial(),
      )
      .nullish(),
    sdes: sdesSchema,
  })
  .transform((r): CheckedRecord => ({
    id: r.info.conversationId,
    startTime: r.info.startTimeL ?? r.info.startTime,
    erased:
      (r.messageRecords ?? []).every((m) => isMasked(m.messageData?.msg?.text)) &&
      (r.consumerParticipants ?? []).every((p) => Object.values(p).every(isMasked)) &&
      (r.sdes?.events ?? []).every((e) => sdeEventErased(e)),
  }));

export const conversationCheckPageSchema = conversationsPage(conversationSchema);

const chatSchema = z
  .object({
    info: z.object({ engagementId: idText, visitorName: leaf, ...startFields }),
    transcript: z.object({ lines: z.array(z.object({ text: leaf }).partial()).nullish() }).nullish(),
    surveys: z.object({ preChat: z.array(z.object({ value: leaf }).partial()).nullish() }).nullish(),
    sdes: sdesSchema,
  })
  .transform((r): CheckedRecord => ({
    id: r.info.engagementId,
    startTime: r.info.startTimeL ?? r.info.startTime,
    erased:
      isMasked(r.info.visitorName) &&
      (r.transcript?.lines ?? []).every((l) => isMasked(l.text)) &&
      (r.surveys?.preChat ?? []).every((a) => isMasked(a.value)) &&
      (r.sdes?.events ?? []).every((e) => sdeEventErased(e)),
  }));

export const chatCheckPageSchema = chatsPage(chatSchema);
