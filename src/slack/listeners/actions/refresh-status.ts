import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { statusText } from '../../blocks/lifecycle-messages.js';
import { today, type ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Refresh status on a thread record: reads LivePerson, re-renders the record, tells the clicker privately. */
export function refreshStatusAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'refresh_status');
    if (!click) return;
    // Re-renders the clicked record too (the Cancel button goes after the window).
    const answer = await ctx.statusReads.status(click.requestId, click.userId, click.at);
    const text = answer.ok ? statusText(answer, ctx.now(), today(ctx)) : refusalText(answer);
    await tellPrivately(client, ctx, click.userId, click.at?.channelId, text);
  };
}
