import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/**
 * Cancel deletion (after Slack's confirm dialog): the service cancels exactly once; a refusal (window
 * closed, not allowed, already cancelled) is told privately and the record re-rendered.
 */
export function cancelDeletionAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !requestId) {
      ctx.log.warn('malformed_action', { action: 'cancel_deletion' });
      return;
    }
    const at = messageRef(parsed.data);
    const outcome = await ctx.lifecycle.cancel(requestId, parsed.data.user.id, at);
    if (!outcome.ok)
      await tellPrivately(client, ctx, parsed.data.user.id, at?.channelId, refusalText(outcome));
  };
}
