import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** "File them for approval" under "N held-back conversations are now closed": a new four-eyes approval. */
export function fileHeldBackAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'file_held_back');
    if (!click) return;
    // Who may file is Filing's rule: a refusal comes back like any other.
    const outcome = await ctx.heldBack.file(click.requestId, click.userId);
    if (!outcome.ok)
      await tellPrivately(client, ctx, click.userId, click.at?.channelId, refusalText(outcome));
  };
}
