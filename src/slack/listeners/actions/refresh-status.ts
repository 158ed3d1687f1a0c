import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { statusText } from '../../blocks/lifecycle-messages.js';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Refresh status on a thread record: reads LivePerson, re-renders the record, tells the clicker privately. */
export function refreshStatusAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !requestId) {
      ctx.log.warn('malformed_action', { action: 'refresh_status' });
      return;
    }
    const at = messageRef(parsed.data);
    const answer = await ctx.lifecycle.refresh(requestId, parsed.data.user.id, at);
    const text = answer.ok
      ? statusText(answer, ctx.lifecycle.now(), ctx.lifecycle.today())
      : refusalText(answer);
    await tellPrivately(client, ctx, parsed.data.user.id, at?.channelId, text);
  };
}
