import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { deletionTypeSchema } from '../../../domain/types.js';
import { ACTION, BLOCK, PERSON_TYPE_VALUE } from '../../ids.js';
import type { WebClient } from '@slack/web-api';
import { buildPersonSearchingModal } from '../../blocks/person-modal.js';
import { personMetadata, runPersonSearch } from '../person/run-search.js';
import type { ListenerContext } from '../context.js';
import { fieldError, stateValue, viewSubmissionSchema, type ViewSubmissionBody } from '../payloads.js';
import { refusalText } from '../../blocks/refusal-text.js';
import type { FormField } from '../../../service/filing-form.js';

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
      return ack(fieldError(BLOCK.ids, 'Slack sent an incomplete form. Please try again.'));
    }
    const submission = parsed.data;
    const chosen = stateValue(submission, BLOCK.type, ACTION.type)?.selected_option?.value;
    if (chosen === PERSON_TYPE_VALUE) return searchForPerson(ctx, submission, ack, client);

    const type = deletionTypeSchema.safeParse(chosen);
    const filed = await ctx.filing.fileForm({
      userId: submission.user.id,
      type: type.success ? type.data : undefined,
      idTexts: [
        stateValue(submission, BLOCK.ids, ACTION.ids)?.value,
        stateValue(submission, BLOCK.moreIds, ACTION.moreIds)?.value,
      ],
      reason: stateValue(submission, BLOCK.reason, ACTION.reason)?.value ?? '',
      subjectRequestedOn:
        stateValue(submission, BLOCK.subjectRequestedOn, ACTION.subjectRequestedOn)?.selected_date ??
        undefined,
    });
    // The approval message and the requester's DM were queued with the request: delivered after the ack.
    if (filed.ok) return ack();
    const errors: Record<string, string> = {};
    if (!type.success) errors[BLOCK.type] = 'Choose what to delete.';
    for (const problem of filed.problems)
      addError(errors, FIELD_BLOCK[problem.field], refusalText(problem.refusal));
    return ack({ response_action: 'errors', errors });
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
  if (!started.ok) return ack(fieldError(BLOCK.ids, refusalText(started).slice(0, 2000)));
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

/** The block each form field of the service's answer is shown under. */
const FIELD_BLOCK: Record<FormField, string> = {
  type: BLOCK.type,
  ids: BLOCK.ids,
  reason: BLOCK.reason,
  subjectRequestedOn: BLOCK.subjectRequestedOn,
};

/** Slack shows at most 2000 characters under a field: several problems are joined, the rest cut. */
function addError(errors: Record<string, string>, blockId: string, message: string): void {
  const joined = errors[blockId] ? `${errors[blockId]}\n${message}` : message;
  errors[blockId] = joined.length > 2000 ? `${joined.slice(0, 1997)}...` : joined;
}
