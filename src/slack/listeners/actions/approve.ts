import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Approve: acks at once; the service decides exactly once and submits; a refusal is told privately. */
export function approveAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'approve');
    if (!click) return;
    const outcome = await ctx.decisions.approve(click.requestId, click.userId, click.at);
    if (!outcome.ok)
      await tellPrivately(client, ctx, click.userId, click.at?.channelId, refusalText(outcome));
    // 80% / 100% of the month's quota: the privacy channel hears it once.
    else await ctx.quotaSync.checkAlerts();
  };
}
