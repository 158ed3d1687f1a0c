import type { WebClient } from '@slack/web-api';
import type { StartedSearch } from '../../../service/person-search-runs.js';
import {
  buildPersonResultModal,
  buildPersonSearchFailedModal,
  buildPersonSearchingModal,
} from '../../blocks/person-modal.js';
import type { ModalView } from '../../blocks/parts.js';
import { slackPlatformError } from '../../slack-errors.js';
import type { ListenerContext } from '../context.js';
import { safeJson } from '../payloads.js';

/** What the searching view carries back: the search's token (never the identifier, never ids). */
export function personMetadata(token: string): string {
  return JSON.stringify({ search: token });
}

export function tokenFrom(privateMetadata: string | undefined): string | undefined {
  const parsed = safeJson(privateMetadata) as { search?: unknown } | null | undefined;
  return typeof parsed?.search === 'string' ? parsed.search : undefined;
}

/**
 * Progress in the searching view at most this often: enough for a person to follow, and few calls against
 * Slack's per-app rate limits (a 429 would only cost a progress line, never the result).
 */
export const PROGRESS_EVERY_MS = 1000;

/**
 * One view's updates in order, each with the hash Slack gave the last (views.update refuses a stale hash
 * with `hash_conflict`, so a view the officer has since closed or changed is left alone). Progress is sent
 * at most every PROGRESS_EVERY_MS and never while another update is in flight; the last word always goes.
 */
class ViewUpdates {
  private chain: Promise<void> = Promise.resolve();
  private inFlight = false;
  private lastSent = 0;
  private gone = false;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly client: WebClient,
    private readonly viewId: string,
    private hash: string | undefined,
  ) {}

  progress(view: ModalView): void {
    const now = Date.now();
    if (this.gone || this.inFlight || now - this.lastSent < PROGRESS_EVERY_MS) return;
    this.lastSent = now;
    this.inFlight = true;
    this.chain = this.chain.then(() => this.send(view)).finally(() => (this.inFlight = false));
  }

  async last(view: ModalView): Promise<void> {
    await this.chain;
    if (!this.gone) await this.send(view);
  }

  private async send(view: ModalView): Promise<void> {
    try {
      const answer = await this.client.views.update({
        view_id: this.viewId,
        ...(this.hash ? { hash: this.hash } : {}),
        view,
      });
      this.hash = answer.view?.hash ?? this.hash;
    } catch (error) {
      this.gone = true;
      this.ctx.log.warn('person_view_update_failed', { slackError: slackPlatformError(error) });
    }
  }
}

/**
 * Runs after the ack: searches LivePerson, showing how many periods are searched, and replaces the
 * "Searching…" view with the result in place.
 */
export async function runPersonSearch(
  ctx: ListenerContext,
  client: WebClient,
  input: { viewId: string; hash?: string; search: StartedSearch; reason?: string },
): Promise<void> {
  const privateMetadata = personMetadata(input.search.token);
  const updates = new ViewUpdates(ctx, client, input.viewId, input.hash);
  const outcome = await ctx.person.search(input.search, (progress) =>
    updates.progress(
      buildPersonSearchingModal({
        identifier: input.search.identifier,
        chatHistory: ctx.person.chatHistory,
        privateMetadata,
        progress,
      }),
    ),
  );
  const view = outcome.ok
    ? buildPersonResultModal({
        identifier: input.search.identifier,
        result: outcome.result,
        outcome: outcome.outcome,
        quota: outcome.quota,
        chatHistory: ctx.person.chatHistory,
        privateMetadata,
        ...(input.reason ? { reason: input.reason } : {}),
      })
    : buildPersonSearchFailedModal({ code: outcome.code, privateMetadata });
  await updates.last(view);
}
