import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { canRequest } from '../../../domain/decide.js';
import type { ListenerContext } from '../context.js';
import { blockActionSchema, messageRef } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** "File them for approval" under "N held-back conversations are now closed": a new four-eyes approval. */
export function fileHeldBackAction(ctx: ListenerContext) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const leadId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !leadId) {
      ctx.log.warn('malformed_action', { action: 'file_held_back' });
      return;
    }
    const userId = parsed.data.user.id;
    const at = messageRef(parsed.data);
    const verdict = canRequest({ userId, requesters: await ctx.directory.requesters() });
    if (!verdict.ok) return tellPrivately(client, ctx, userId, at?.channelId, refusalText(verdict));
    const outcome = await ctx.person.fileHeldBack(leadId, userId);
    if (!outcome.ok) await tellPrivately(client, ctx, userId, at?.channelId, refusalText(outcome));
  };
}
