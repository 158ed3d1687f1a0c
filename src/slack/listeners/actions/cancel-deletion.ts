import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/**
 * Cancel deletion (after Slack's confirm dialog): the service cancels exactly once; a refusal (window
 * closed, not allowed, already cancelled) is told privately and the record re-rendered.
 */
export function cancelDeletionAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'cancel_deletion');
    if (!click) return;
    const outcome = await ctx.cancellation.cancel(click.requestId, click.userId, click.at);
    if (!outcome.ok)
      await tellPrivately(client, ctx, click.userId, click.at?.channelId, refusalText(outcome));
  };
}
