import type { SyncOutcome } from '../../../service/quota-sync.js';
import { quotaReportText, statusText } from '../../blocks/lifecycle-messages.js';
import { describeForPeople } from '../../../liveperson/describe-for-people.js';
import { COMMAND } from '../../ids.js';
import { today, type ListenerContext } from '../context.js';
import { refusalText } from '../../blocks/refusal-text.js';
import { verifyAnswerText } from '../../blocks/verification-messages.js';

/** Slack wants the command acknowledged within 3 s; LivePerson gets this much of it for the quota sync. */
export const QUOTA_SYNC_BUDGET_MS = 2000;

/**
 * `/lp-delete status|cancel|verify <id>`: acked at once, answered privately once LivePerson has replied.
 * Cancel keeps the button's rules (a refusal says why, e.g. the window closed); verify reads LivePerson's
 * history back now and answers with the counts.
 */
export async function answerRef(
  ctx: ListenerContext,
  kind: 'status' | 'cancel' | 'verify',
  ref: string,
  userId: string,
): Promise<string | undefined> {
  if (kind === 'status') {
    const answer = await ctx.statusReads.status(ref, userId);
    return answer.ok ? statusText(answer, ctx.now(), today(ctx)) : refusalText(answer);
  }
  if (kind === 'cancel') {
    const outcome = await ctx.cancellation.cancel(ref, userId);
    return outcome.ok
      ? `${outcome.request.id} was cancelled at LivePerson. Nothing will be deleted; the requester was told.`
      : refusalText(outcome);
  }
  if (!ctx.verification) return undefined;
  const outcome = await ctx.verification.verifyNow(ref, userId);
  return outcome.ok ? verifyAnswerText(outcome.request, outcome.result) : refusalText(outcome);
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
