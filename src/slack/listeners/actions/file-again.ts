import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalText } from '../../blocks/refusal-text.js';
import { filedAgainText } from '../../blocks/verification-messages.js';
import type { ListenerContext } from '../context.js';
import { parseAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';

/** **File again** under "N of M … still readable at LivePerson": the residual ids under a new four-eyes approval. */
export function fileAgainAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, 'file_again');
    if (!click || !ctx.verification) return;
    // Who may file is Filing's rule: a refusal comes back like any other.
    const outcome = await ctx.verification.fileAgain(click.requestId, click.userId);
    const text = outcome.ok ? filedAgainText(click.requestId, outcome.request.id) : refusalText(outcome);
    await tellPrivately(client, ctx, click.userId, click.at?.channelId, text);
  };
}
