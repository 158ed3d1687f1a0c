import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildRejectModal } from '../../blocks/reject-modal.js';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { notFound } from '../../../service/refusals.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Reject: checks the clicker may decide, then asks for the reason in a modal. */
export function rejectAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    const at = parsed.success ? messageRef(parsed.data) : undefined;
    if (!parsed.success || !requestId || !at || !parsed.data.trigger_id) {
      ctx.log.warn('malformed_action', { action: 'reject' });
      return;
    }
    const userId = parsed.data.user.id;
    const refusal = await ctx.service.mayDecide(requestId, userId, at);
    const request = await ctx.service.request(requestId);
    if (refusal || !request) {
      await tellPrivately(client, ctx, userId, at.channelId, refusalText(refusal ?? notFound()));
      return;
    }
    await client.views.open({
      trigger_id: parsed.data.trigger_id,
      view: buildRejectModal({ request, privateMetadata: JSON.stringify({ requestId, ...at }) }),
    });
  };
}
