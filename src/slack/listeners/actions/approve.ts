import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Approve: acks at once; the service decides exactly once and submits; a refusal is told privately. */
export function approveAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !requestId) {
      ctx.log.warn('malformed_action', { action: 'approve' });
      return;
    }
    const at = messageRef(parsed.data);
    const outcome = await ctx.service.approve(requestId, parsed.data.user.id, at);
    if (!outcome.ok)
      await tellPrivately(client, ctx, parsed.data.user.id, at?.channelId, refusalText(outcome));
    // 80% / 100% of the month's quota: the privacy channel hears it once.
    else await ctx.quotaSync.checkAlerts();
  };
}
