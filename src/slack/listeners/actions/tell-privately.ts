import type { WebClient } from '@slack/web-api';
import { slackPlatformError } from '../../slack-errors.js';
import type { ListenerContext } from '../context.js';

/** An ephemeral message in the channel where the person clicked, or a DM when that is not possible. */
export async function tellPrivately(
  client: WebClient,
  ctx: ListenerContext,
  userId: string,
  channelId: string | undefined,
  text: string,
): Promise<void> {
  try {
    if (channelId) await client.chat.postEphemeral({ channel: channelId, user: userId, text });
    else await client.chat.postMessage({ channel: userId, text });
  } catch (error) {
    ctx.log.warn('private_notice_failed', { slackError: slackPlatformError(error) });
  }
}
