import type { App } from '@slack/bolt';
import { ACTION, CALLBACK, PERSON_CALLBACK } from '../ids.js';
import type { ListenerContext } from './context.js';
import { blockActionSchema } from './payloads.js';
import { tellPrivately } from './actions/tell-privately.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches every id except the given ones, so a catch-all never doubles up with a real listener. */
const anyExcept = (known: readonly string[]) => new RegExp(`^(?!(?:${known.map(escapeRegExp).join('|')})$)`);

/**
 * Clicks, forms and shortcuts the app does not know (an old message's button, a payload from elsewhere)
 * are acknowledged at once with a clear word instead of Slack's timeout error after 3 seconds.
 */
export function registerUnknownHandlers(app: App, ctx: ListenerContext): void {
  app.action(anyExcept(Object.values(ACTION)), async ({ ack, body, client }) => {
    await ack();
    ctx.log.warn('unknown_action', {});
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success) return;
    const channel = parsed.data.container?.channel_id ?? parsed.data.channel?.id;
    await tellPrivately(
      client,
      ctx,
      parsed.data.user.id,
      channel,
      'lp-delete does not know this button (it may be from an older version of the app). Nothing was done; use `/lp-delete help` to see what you can do.',
    );
  });
  app.view(anyExcept([...Object.values(CALLBACK), ...Object.values(PERSON_CALLBACK)]), async ({ ack }) => {
    ctx.log.warn('unknown_view', {});
    await ack({ response_action: 'clear' });
  });
  app.shortcut(/.*/, async ({ ack }) => {
    ctx.log.warn('unknown_shortcut', {});
    await ack();
  });
}
