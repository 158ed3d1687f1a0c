import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { canRequest } from '../../../domain/decide.js';
import { validateIdsText, type TicketChanges } from '../../../domain/ids.js';
import { subjectDateProblem } from '../../../domain/gdpr.js';
import type { Refusal } from '../../../domain/outcome.js';
import { planRequests } from '../../../domain/plan.js';
import { deletionTypeSchema } from '../../../domain/types.js';
import { ACTION, BLOCK, PERSON_TYPE_VALUE } from '../../ids.js';
import type { WebClient } from '@slack/web-api';
import { idErrorText } from '../../blocks/id-messages.js';
import { buildPersonSearchingModal } from '../../blocks/person-modal.js';
import { personMetadata, runPersonSearch } from '../person/run-search.js';
import type { ListenerContext } from '../context.js';
import { stateValue, viewSubmissionSchema, type ViewSubmissionBody } from '../payloads.js';
import { refusalText, subjectDateText } from '../../blocks/refusal-text.js';

/**
 * The filing form. Every problem is shown under its field (`response_action: errors`), naming the
 * offending ids; the form stays open so nothing typed is lost. A valid request is stored before the ack
 * and announced after it.
 */
export function requestSubmission(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      ctx.log.warn('malformed_view_submission', { issues: parsed.error.issues.length });
      return ack({
        response_action: 'errors',
        errors: { [BLOCK.ids]: 'Slack sent an incomplete form. Please try again.' },
      });
    }
    const submission = parsed.data;
    const userId = submission.user.id;
    const verdict = canRequest({ userId, requesters: await ctx.directory.requesters() });
    if (!verdict.ok)
      return ack({ response_action: 'errors', errors: { [BLOCK.type]: refusalText(verdict) } });

    const chosen = stateValue(submission, BLOCK.type, ACTION.type)?.selected_option?.value;
    if (chosen === PERSON_TYPE_VALUE) return searchForPerson(ctx, submission, ack, client);

    const errors: Record<string, string> = {};
    const type = deletionTypeSchema.safeParse(
      stateValue(submission, BLOCK.type, ACTION.type)?.selected_option?.value,
    );
    const reason = (stateValue(submission, BLOCK.reason, ACTION.reason)?.value ?? '').trim();
    if (!reason) errors[BLOCK.reason] = refusalText({ ok: false, code: 'NO_REASON' });
    if (!type.success) errors[BLOCK.type] = 'Choose what to delete.';
    const idTexts = [
      stateValue(submission, BLOCK.ids, ACTION.ids)?.value,
      stateValue(submission, BLOCK.moreIds, ACTION.moreIds)?.value,
    ];
    let validIds: { ids: string[]; duplicatesDropped: number; changes: TicketChanges } | undefined;
    if (type.success) {
      const result = validateIdsText(type.data, idTexts, {
        accountId: ctx.accountId,
        legacyTicketing: ctx.legacyTicketing,
      });
      if (result.ok) validIds = result;
      else
        for (const e of result.errors)
          addError(errors, e.field === 'type' ? BLOCK.type : BLOCK.ids, idErrorText(e));
    }
    // The modal starts on today; a form from before the field existed counts from today too.
    const today = ctx.lifecycle.today();
    const subjectRequestedOn =
      stateValue(submission, BLOCK.subjectRequestedOn, ACTION.subjectRequestedOn)?.selected_date ?? today;
    const dateProblem = subjectDateProblem(subjectRequestedOn, today);
    if (dateProblem) errors[BLOCK.subjectRequestedOn] = subjectDateText(dateProblem);
    const quotaRefusal = await ctx.service.quotaRefusal();
    if (quotaRefusal) addError(errors, BLOCK.type, refusalText(quotaRefusal));
    if (Object.keys(errors).length > 0 || !type.success || !validIds) {
      return ack({ response_action: 'errors', errors });
    }

    // More than 100 ids of one type become several requests under one approval.
    const plan = planRequests({ ids: { [type.data]: validIds.ids } });
    const filed = await ctx.service.filePlan({
      userId,
      reason,
      subjectRequestedOn,
      duplicatesDropped: validIds.duplicatesDropped,
      ticketChanges: validIds.changes,
      requests: plan.requests,
      summary: plan.summary,
    });
    // The service enforces the same rules (and any the form cannot see): its refusal goes under its field.
    if (!filed.ok)
      return ack({ response_action: 'errors', errors: { [fieldOf(filed)]: refusalText(filed) } });
    // The approval message and the requester's DM were queued with the request: delivered after the ack.
    await ack();
  };
}

/**
 * "A person" chosen in the form: the ids box holds the identifier. The form becomes the "Searching…" view
 * in the ack (response_action update keeps the view's id), and the search updates it when done.
 */
async function searchForPerson(
  ctx: ListenerContext,
  submission: ViewSubmissionBody,
  ack: SlackViewMiddlewareArgs['ack'],
  client: WebClient,
): Promise<void> {
  const identifier = [
    stateValue(submission, BLOCK.ids, ACTION.ids)?.value,
    stateValue(submission, BLOCK.moreIds, ACTION.moreIds)?.value,
  ]
    .filter(Boolean)
    .join(' ')
    .trim();
  // Cleaned (NFKC, invisible characters gone), who may search and how often: a refusal under the field.
  const started = await ctx.person.start(submission.user.id, identifier);
  if (!started.ok) {
    return ack({ response_action: 'errors', errors: { [BLOCK.ids]: refusalText(started).slice(0, 2000) } });
  }
  const { search } = started;
  const viewId = submission.view.id;
  await ack({
    response_action: 'update',
    view: buildPersonSearchingModal({
      identifier: search.identifier,
      chatHistory: ctx.person.chatHistory,
      privateMetadata: personMetadata(search.token),
    }),
  });
  const reason = stateValue(submission, BLOCK.reason, ACTION.reason)?.value ?? undefined;
  if (viewId) await runPersonSearch(ctx, client, { viewId, search, ...(reason ? { reason } : {}) });
  else await ctx.person.abandon(search.token);
}

/** The form field a filing refusal belongs under. */
function fieldOf(refusal: Refusal): string {
  switch (refusal.code) {
    case 'NO_REASON':
      return BLOCK.reason;
    case 'SUBJECT_DATE':
      return BLOCK.subjectRequestedOn;
    case 'INVALID_IDS':
      return BLOCK.ids;
    default:
      return BLOCK.type;
  }
}

/** Slack shows at most 2000 characters under a field: several problems are joined, the rest cut. */
function addError(errors: Record<string, string>, blockId: string, message: string): void {
  const joined = errors[blockId] ? `${errors[blockId]}\n${message}` : message;
  errors[blockId] = joined.length > 2000 ? `${joined.slice(0, 1997)}...` : joined;
}

/** Kept for importers of this path: the one reader of Slack error codes is slack-errors.ts. */
export { slackErrorCode } from '../../slack-errors.js';
