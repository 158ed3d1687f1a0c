import type { WebClient } from '@slack/web-api';
import type { MessageRef, SendAttempt } from '../service/ports.js';

/**
 * Every notice lp-delete posts carries its id in Slack's message metadata, so that after an attempt whose
 * outcome is unknown (a timeout, a 5xx, a lost connection, a stop mid-delivery) Slack itself can be asked
 * whether the message arrived, instead of posting it again blind.
 *
 * Readings of Slack's documentation chosen here (the hardest where it is silent):
 * - `chat.postMessage` takes `metadata: {event_type, event_payload}`; `conversations.history` and
 *   `conversations.replies` return it only with `include_all_metadata` (they need channels:history,
 *   groups:history or im:history).
 * - Both read pages that may hold fewer messages than `limit` even when more exist: every page is
 *   followed through `response_metadata.next_cursor` while `has_more`.
 * - `oldest` is exclusive, in Slack's own clock; the look-back starts an hour before the notice was
 *   queued, so a clock an hour off still finds the message.
 * - `conversations.history` takes a conversation id, not a user id: a DM's channel comes from
 *   `conversations.open` (im:write), which returns the existing DM.
 */

const NOTICE_EVENT_TYPE = 'lp_delete_notice';
const LOOK_BACK_MARGIN_MS = 60 * 60_000;
/** More pages than this and Slack cannot show in reasonable time whether the post arrived: wait instead. */
const MAX_PAGES = 50;
const PAGE_SIZE = 200;

export function noticeMetadata(noticeId: string) {
  return { event_type: NOTICE_EVENT_TYPE, event_payload: { notice_id: noticeId } };
}

/** Where a post would have landed: the top of a channel, a thread (also shown in the channel), or a DM. */
export type PostPlace = { channel: string; thread?: string; broadcast?: boolean } | { user: string };

interface Page {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

function carries({ metadata }: NonNullable<Page['messages']>[number], id: string): boolean {
  const payload = metadata?.event_payload as { notice_id?: unknown } | null | undefined;
  return metadata?.event_type === NOTICE_EVENT_TYPE && payload?.notice_id === id;
}

/** The message carrying `noticeId` posted at `place` since `since` (less the margin), if Slack shows one. */
export async function findPosted(
  client: WebClient,
  place: PostPlace,
  noticeId: string,
  since: Date,
): Promise<MessageRef | undefined> {
  const channel = 'user' in place ? await dmChannel(client, place.user) : place.channel;
  const thread = 'thread' in place ? place.thread : undefined;
  const oldest = (Math.max(0, since.getTime() - LOOK_BACK_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const args = {
      channel,
      oldest,
      include_all_metadata: true,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    };
    const answer: Page = thread
      ? await client.conversations.replies({ ...args, ts: thread })
      : await client.conversations.history(args);
    const hit = answer.messages?.find((m) => carries(m, noticeId));
    if (hit?.ts) return { channelId: channel, ts: hit.ts };
    cursor = answer.response_metadata?.next_cursor;
    if (!answer.has_more || !cursor) return undefined;
  }
  throw Object.assign(new Error('too many messages to look through'), { code: 'notice_lookup_incomplete' });
}

/** A message's permalink, or undefined when Slack gives none (a failed look-up included). */
export async function permalinkOf(client: WebClient, ref: MessageRef): Promise<string | undefined> {
  const answer = await client.chat
    .getPermalink({ channel: ref.channelId, message_ts: ref.ts })
    .catch(() => undefined);
  return answer?.permalink;
}

async function dmChannel(client: WebClient, user: string): Promise<string> {
  const answer = await client.conversations.open({ users: user });
  const id = answer.channel?.id;
  if (!id) throw Object.assign(new Error('conversations.open answered without a channel'), { code: 'no_dm' });
  return id;
}

/** An attempt of a caller that does not claim (tests, the demo): nothing posted before, always allowed. */
export const FIRST_ATTEMPT: SendAttempt = {
  noticeId: 'unclaimed',
  queuedAt: new Date(0),
  maybePosted: false,
  mayPost: () => true,
};

/** Thrown instead of posting once the notice's claim may have run out (another may be delivering it). */
export function claimExpired(): Error {
  return Object.assign(new Error('the notice’s claim may have run out; not posted'), {
    code: 'claim_expired',
  });
}
