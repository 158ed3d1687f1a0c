import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { statusText } from '../../blocks/lifecycle-messages.js';
import { refusalText } from '../../blocks/refusal-text.js';
import { buildRejectModal } from '../../blocks/reject-modal.js';
import { filedAgainText } from '../../blocks/verification-messages.js';
import { today, type ListenerContext } from '../context.js';
import { parseAction, type ParsedAction } from '../payloads.js';
import { tellPrivately } from './tell-privately.js';

/**
 * A button on a request's message: acks at once, reads the click (a malformed one is logged as `action`
 * and dropped), calls the use case, and tells the clicker privately what `handle` returns, if anything.
 */
function requestButton(
  ctx: ListenerContext,
  action: string,
  handle: (click: ParsedAction, client: WebClient) => Promise<string | undefined>,
) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const click = parseAction(body, ctx.log, action);
    if (!click) return;
    const text = await handle(click, client);
    if (text !== undefined) await tellPrivately(client, ctx, click.userId, click.at?.channelId, text);
  };
}

/** Approve: the service decides exactly once and submits; a refusal is told privately. */
export const approveAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'approve', async ({ requestId, userId, at }) => {
    const outcome = await ctx.decisions.approve(requestId, userId, at);
    if (!outcome.ok) return refusalText(outcome);
    // 80% / 100% of the month's quota: the privacy channel hears it once.
    await ctx.quotaSync.checkAlerts();
    return undefined;
  });

/** Reject: checks the clicker may decide, then asks for the reason in a modal. */
export const rejectAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'reject', async ({ requestId, userId, at, triggerId }, client) => {
    if (!at || !triggerId) {
      ctx.log.warn('malformed_action', { action: 'reject' });
      return undefined;
    }
    const may = await ctx.decisions.mayDecide(requestId, userId, at);
    if (!may.ok) return refusalText(may);
    await client.views.open({
      trigger_id: triggerId,
      view: buildRejectModal({ request: may.request, privateMetadata: JSON.stringify({ requestId, ...at }) }),
    });
    return undefined;
  });

/**
 * Cancel deletion (after Slack's confirm dialog): the service cancels exactly once; a refusal (window
 * closed, not allowed, already cancelled) is told privately and the record re-rendered.
 */
export const cancelDeletionAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'cancel_deletion', async ({ requestId, userId, at }) => {
    const outcome = await ctx.cancellation.cancel(requestId, userId, at);
    return outcome.ok ? undefined : refusalText(outcome);
  });

/** Refresh status on a thread record: reads LivePerson, re-renders the record, tells the clicker privately. */
export const refreshStatusAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'refresh_status', async ({ requestId, userId, at }) => {
    // Re-renders the clicked record too (the Cancel button goes after the window).
    const answer = await ctx.statusReads.status(requestId, userId, at);
    return answer.ok ? statusText(answer, ctx.now(), today(ctx)) : refusalText(answer);
  });

// Who may file is Filing's rule for the next two: a refusal comes back like any other.

/** "File them for approval" under "N held-back conversations are now closed": a new four-eyes approval. */
export const fileHeldBackAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'file_held_back', async ({ requestId, userId }) => {
    const outcome = await ctx.heldBack.file(requestId, userId);
    return outcome.ok ? undefined : refusalText(outcome);
  });

/** **File again** under "N of M … still readable at LivePerson": the residual ids under a new four-eyes approval. */
export const fileAgainAction = (ctx: ListenerContext) =>
  requestButton(ctx, 'file_again', async ({ requestId, userId }) => {
    if (!ctx.verification) return undefined;
    const outcome = await ctx.verification.fileAgain(requestId, userId);
    return outcome.ok ? filedAgainText(requestId, outcome.request.id) : refusalText(outcome);
  });
