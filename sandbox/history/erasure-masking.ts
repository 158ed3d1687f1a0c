import type { RtbfView } from '../rtbf/types.js';
import type { SeededChat, SeededConversation } from './history-seed.js';

/**
 * What LivePerson does to its history once a deletion request is DONE, in the history stand-in: the
 * personal content of what the request covered is replaced with the masking text, and the record stays
 * readable (Personal Data Deletion overview: "deletion" is masking with `*** LP deleted data ***`).
 *
 * Readings (the docs say no more than "masking of specific, personal data"):
 * - `conversation`: those conversations; `consumer`: every conversation of that consumer
 *   (`participantId`) that started before the request; `engagement`: those chats.
 * - Masked: message texts, the consumer's first and last name, email and phone, SDE values; in chats the
 *   transcript lines, the visitor's name, survey answers, visitor info and SDE values. Ids, times and
 *   statuses stay.
 * - Both spellings are used, the hardest reading for a client: message texts and names get the rendered
 *   `** LP deleted data **`, SDE values, survey answers and visitor info the source's `*** LP deleted data ***`.
 * - The masking happens when a history call arrives after the request reached DONE (the rtbf sandbox's
 *   status is a function of time), so the history APIs never show a DONE request unmasked.
 *
 * The fault switch `leaveUnmasked(ids)` keeps chosen conversations or chats as they were, as if
 * LivePerson had missed them: the residual path of lp-delete's verification.
 */

export const MASK = '** LP deleted data **';
export const MASK_SOURCE_SPELLING = '*** LP deleted data ***';

export interface ErasureMasking {
  /** The rtbf sandbox's requests and their status (the sandbox calls this when it starts). */
  attach(view: RtbfView): void;
  /** Conversation or engagement ids LivePerson "misses": left unmasked when their request is DONE. */
  leaveUnmasked(ids: readonly string[]): void;
  /** Masks what every DONE request covers that is not masked yet. */
  apply(): void;
  reset(): void;
}

export function createErasureMasking(data: {
  readonly conversations: readonly SeededConversation[];
  readonly chats: readonly SeededChat[];
}): ErasureMasking {
  let view: RtbfView | undefined;
  const applied = new Set<number>();
  const spared = new Set<string>();

  const maskConversation = (c: SeededConversation) => {
    if (spared.has(c.conversationId)) return;
    c.messages = c.messages.map(() => MASK);
    c.personalInfo = c.personalInfo.map(() => MASK_SOURCE_SPELLING);
    c.customerInfo = c.customerInfo.map(() => MASK_SOURCE_SPELLING);
    c.userUpdate = c.userUpdate.map(() => MASK_SOURCE_SPELLING);
    if (c.consumer) {
      const { participantId, firstName, lastName, email, phone } = c.consumer;
      c.consumer = {
        participantId,
        ...(firstName ? { firstName: MASK } : {}),
        ...(lastName ? { lastName: MASK } : {}),
        ...(email ? { email: MASK } : {}),
        ...(phone ? { phone: MASK } : {}),
      };
    }
  };
  const maskChat = (c: SeededChat) => {
    if (spared.has(c.engagementId)) return;
    c.lines = c.lines.map(() => MASK);
    c.visitorName = MASK;
    c.surveyAnswers = c.surveyAnswers.map(() => MASK_SOURCE_SPELLING);
    c.visitorInfo = c.visitorInfo.map(() => MASK_SOURCE_SPELLING);
    c.personalInfo = c.personalInfo.map(() => MASK_SOURCE_SPELLING);
    c.customerInfo = c.customerInfo.map(() => MASK_SOURCE_SPELLING);
  };

  return {
    attach(rtbf) {
      view = rtbf;
    },
    leaveUnmasked(ids) {
      for (const id of ids) spared.add(id);
    },
    apply() {
      for (const request of view?.requests ?? []) {
        if (applied.has(request.requestId) || view?.statusOf(request) !== 'DONE') continue;
        applied.add(request.requestId);
        const ids = new Set(request.ids);
        const madeAt = Date.parse(request.requestTime);
        if (request.type === 'conversation') {
          data.conversations.filter((c) => ids.has(c.conversationId)).forEach(maskConversation);
        } else if (request.type === 'consumer') {
          data.conversations
            .filter((c) => c.consumer && ids.has(c.consumer.participantId) && c.startTime <= madeAt)
            .forEach(maskConversation);
        } else if (request.type === 'engagement') {
          data.chats.filter((c) => ids.has(c.engagementId)).forEach(maskChat);
        }
      }
    },
    reset() {
      applied.clear();
      spared.clear();
    },
  };
}
