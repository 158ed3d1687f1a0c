import type { WebClient } from '@slack/web-api';
import type { SyncOutcome } from '../../../service/quota-sync.js';
import { quotaReportText, statusText } from '../../blocks/lifecycle-messages.js';
import { describeForPeople } from '../../../liveperson/describe-for-people.js';
import { COMMAND } from '../../ids.js';
import { tellPrivately } from '../actions/tell-privately.js';
import { today, type ListenerContext } from '../context.js';
import { refusalText } from '../../blocks/refusal-text.js';
import { verifyAnswerText } from '../../blocks/verification-messages.js';

/** Slack wants the command acknowledged within 3 s; LivePerson gets this much of it for the quota sync. */
export const QUOTA_SYNC_BUDGET_MS = 2000;

interface CommandArgs {
  ctx: ListenerContext;
  client: WebClient;
  userId: string;
  channelId: string;
}

/** `/lp-delete status <id>`: acked at once, answered privately once LivePerson has replied. */
export async function answerStatus({ ctx, client, userId, channelId }: CommandArgs, ref: string) {
  const answer = await ctx.statusReads.status(ref, userId);
  const text = answer.ok ? statusText(answer, ctx.now(), today(ctx)) : refusalText(answer);
  await tellPrivately(client, ctx, userId, channelId, text);
}

/** `/lp-delete cancel <id>`: the same rules as the button; a refusal says why (e.g. the window closed). */
export async function answerCancel({ ctx, client, userId, channelId }: CommandArgs, ref: string) {
  const outcome = await ctx.cancellation.cancel(ref, userId);
  const text = outcome.ok
    ? `${outcome.request.id} was cancelled at LivePerson. Nothing will be deleted; the requester was told.`
    : refusalText(outcome);
  await tellPrivately(client, ctx, userId, channelId, text);
}

/** `/lp-delete verify <DR-…>`: reads LivePerson's history back now and answers privately with the counts. */
export async function answerVerify({ ctx, client, userId, channelId }: CommandArgs, ref: string) {
  if (!ctx.verification) return;
  const outcome = await ctx.verification.verifyNow(ref, userId);
  const text = outcome.ok ? verifyAnswerText(outcome.request, outcome.result) : refusalText(outcome);
  await tellPrivately(client, ctx, userId, channelId, text);
}

/** Usage line for `status` / `cancel` / `verify` without an id. */
export function needsId(word: 'status' | 'cancel' | 'verify'): string {
  return `Say which request: \`${COMMAND} ${word} DR-…\` (from the approval message) or LivePerson's request number.`;
}

/**
 * `/lp-delete quota`: asks LivePerson for the month's list first when it answers within the ack budget;
 * otherwise answers with the last known counts and lets the sync finish in the background.
 */
export async function quotaAnswer(ctx: ListenerContext, userId: string): Promise<string> {
  const allowed = ctx.statusReads.allowRead(userId);
  if (!allowed.ok) return refusalText(allowed);
  // A sync younger than a minute (or one under way) answers every `quota` asked meanwhile.
  const sync = ctx.quotaSync.syncFresh();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), QUOTA_SYNC_BUDGET_MS);
  });
  const outcome: SyncOutcome | undefined = await Promise.race([sync, late]);
  clearTimeout(timer);
  if (!outcome) {
    return quotaReportText(
      await ctx.quota.report(),
      'LivePerson is slow to answer; these are the last known counts. Ask again in a minute for its fresh count.',
    );
  }
  return quotaReportText(
    outcome.quota,
    outcome.ok
      ? undefined
      : `LivePerson could not be asked just now (${describeForPeople(outcome.error).what}); these are the last known counts.`,
  );
}
