import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildRejectModal } from '../../blocks/reject-modal.js';
import type { ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** Reject: checks the clicker may decide, then asks for the reason in a modal. */
export function rejectAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'reject');
    if (!click) return;
    const { requestId, userId, at, triggerId } = click;
    if (!at || !triggerId) {
      ctx.log.warn('malformed_action', { action: 'reject' });
      return;
    }
    const may = await ctx.decisions.mayDecide(requestId, userId, at);
    if (!may.ok) {
      await tellPrivately(client, ctx, userId, at.channelId, refusalText(may));
      return;
    }
    await client.views.open({
      trigger_id: triggerId,
      view: buildRejectModal({ request: may.request, privateMetadata: JSON.stringify({ requestId, ...at }) }),
    });
  };
}
