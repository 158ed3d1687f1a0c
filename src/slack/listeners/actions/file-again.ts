import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { canRequest } from '../../../domain/decide.js';
import { refusalText } from '../../blocks/refusal-text.js';
import { filedAgainText } from '../../blocks/verification-messages.js';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';

/** **File again** under "N of M … still readable at LivePerson": the residual ids under a new four-eyes approval. */
export function fileAgainAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !requestId || !ctx.verification) {
      ctx.log.warn('malformed_action', { action: 'file_again' });
      return;
    }
    const userId = parsed.data.user.id;
    const at = messageRef(parsed.data);
    const verdict = canRequest({ userId, requesters: await ctx.directory.requesters() });
    if (!verdict.ok) return tellPrivately(client, ctx, userId, at?.channelId, refusalText(verdict));
    const outcome = await ctx.verification.fileAgain(requestId, userId);
    const text = outcome.ok ? filedAgainText(requestId, outcome.request.id) : refusalText(outcome);
    await tellPrivately(client, ctx, userId, at?.channelId, text);
  };
}
