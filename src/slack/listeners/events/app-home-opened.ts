import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { buildHomeView, HOME_MAX_PENDING } from '../../blocks/home-view.js';
import { permalinkOf } from '../../notice-lookup.js';
import { slackPlatformError } from '../../slack-errors.js';
import { today, type ListenerContext } from '../context.js';

const homeOpenedSchema = z.object({ user: z.string(), tab: z.string().optional() });

/** The Home tab is rendered fresh each time it is opened: quota, pending approvals, recent requests. */
export function appHomeOpened(ctx: ListenerContext) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    const parsed = homeOpenedSchema.safeParse(event);
    if (!parsed.success || (parsed.data.tab && parsed.data.tab !== 'home')) return;
    const userId = parsed.data.user;
    // Who sees what is decided in the service: others' requests only for approvers.
    const lists = await ctx.homeLists(userId);
    const pending = await Promise.all(
      lists.pending.map(async (request, index) => {
        if (index >= HOME_MAX_PENDING || !request.approvalMessage) return { request };
        return { request, link: await permalinkOf(client, request.approvalMessage) };
      }),
    );
    const view = buildHomeView({
      quota: await ctx.quota.report(),
      pending,
      mine: lists.mine,
      everyone: lists.everyone,
      today: today(ctx),
      ...(lists.undelivered ? { undelivered: lists.undelivered } : {}),
    });
    try {
      await client.views.publish({ user_id: userId, view });
    } catch (error) {
      ctx.log.warn('home_publish_failed', { slackError: slackPlatformError(error) });
    }
  };
}
