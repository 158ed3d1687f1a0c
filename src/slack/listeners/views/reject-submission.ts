import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { ACTION, BLOCK } from '../../ids.js';
import { tellPrivately } from '../actions/tell-privately.js';
import type { ListenerContext } from '../context.js';
import { fieldError, rejectMetadataSchema, safeJson, stateValue, viewSubmissionSchema } from '../payloads.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** The reject dialog: a reason is required; the decision itself is taken (once) by the service. */
export function rejectSubmission(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? safeJson(parsed.data.view.private_metadata) : undefined;
    const target = rejectMetadataSchema.safeParse(meta);
    if (!parsed.success || !target.success) {
      ctx.log.warn('malformed_view_submission', { view: 'reject' });
      return ack(
        fieldError(BLOCK.rejectReason, 'Slack sent an incomplete form. Close it and click Reject again.'),
      );
    }
    const reason = (stateValue(parsed.data, BLOCK.rejectReason, ACTION.rejectReason)?.value ?? '').trim();
    if (!reason)
      return ack(
        fieldError(BLOCK.rejectReason, 'Say why the request is rejected; the requester will see it.'),
      );
    await ack();
    const { requestId, channelId, ts } = target.data;
    const outcome = await ctx.decisions.reject(requestId, parsed.data.user.id, reason, { channelId, ts });
    if (!outcome.ok) await tellPrivately(client, ctx, parsed.data.user.id, channelId, refusalText(outcome));
  };
}
