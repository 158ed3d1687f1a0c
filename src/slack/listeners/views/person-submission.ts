import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { PERSON_ACTION, PERSON_BLOCK, isConsumersBlockId, isKeywordHitsBlockId } from '../../ids.js';
import type { ListenerContext } from '../context.js';
import { tokenFrom } from '../person/run-search.js';
import { fieldError, stateValue, viewSubmissionSchema } from '../payloads.js';
import { refusalText } from '../../blocks/refusal-text.js';

/**
 * "Send for approval" on a person's search result: the plan (with the mentions the officer ticked) is
 * filed as one approval before the ack; a problem is shown under the reason, the view stays open.
 */
export function personSubmission(ctx: ListenerContext) {
  return async ({ ack, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const token = parsed.success ? tokenFrom(parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !token) {
      ctx.log.warn('malformed_view_submission', { view: 'person' });
      return ack(fieldError(PERSON_BLOCK.reason, 'Slack sent an incomplete form. Please search again.'));
    }
    const submission = parsed.data;
    // Who may file and that a reason is given are Filing's rules: a refusal comes back under the reason.
    const reason = (stateValue(submission, PERSON_BLOCK.reason, PERSON_ACTION.reason)?.value ?? '').trim();
    const chosen = (isBlock: (id: string) => boolean, actionId: string) =>
      Object.entries(submission.view.state.values)
        .filter(([blockId]) => isBlock(blockId))
        .flatMap(([, actions]) => actions[actionId]?.selected_options ?? [])
        .map((option) => option.value);
    const filed = await ctx.person.file({
      token,
      userId: submission.user.id,
      reason,
      ticked: chosen(isKeywordHitsBlockId, PERSON_ACTION.keywordHits),
      consumers: chosen(isConsumersBlockId, PERSON_ACTION.consumers),
    });
    if (!filed.ok) return ack(fieldError(PERSON_BLOCK.reason, refusalText(filed).slice(0, 2000)));
    await ack();
  };
}
