import type { WebClient } from '@slack/web-api';
import { buildPersonResultModal, buildPersonSearchFailedModal } from '../../blocks/person-modal.js';
import { slackPlatformError } from '../../slack-errors.js';
import type { ListenerContext } from '../context.js';

/** What the searching view carries back: the search's token (never the identifier, never ids). */
export function personMetadata(token: string): string {
  return JSON.stringify({ search: token });
}

export function tokenFrom(privateMetadata: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as { search?: unknown };
    return typeof parsed.search === 'string' ? parsed.search : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs after the ack: searches LivePerson and replaces the "Searching…" view in place (views.update with
 * the hash Slack gave, so a view the officer has since changed or closed is left alone).
 */
export async function runPersonSearch(
  ctx: ListenerContext,
  client: WebClient,
  input: { viewId: string; hash?: string; identifier: string; token: string; reason?: string },
): Promise<void> {
  const outcome = await ctx.person.search(input.token, input.identifier);
  const privateMetadata = personMetadata(input.token);
  const view = outcome.ok
    ? buildPersonResultModal({
        identifier: input.identifier,
        result: outcome.result,
        outcome: outcome.outcome,
        quota: outcome.quota,
        chatHistory: ctx.person.chatHistory,
        privateMetadata,
        ...(input.reason ? { reason: input.reason } : {}),
      })
    : buildPersonSearchFailedModal({ code: outcome.code, privateMetadata });
  try {
    await client.views.update({
      view_id: input.viewId,
      ...(input.hash ? { hash: input.hash } : {}),
      view,
    });
  } catch (error) {
    ctx.log.warn('person_view_update_failed', {
      slackError: slackPlatformError(error),
    });
  }
}
