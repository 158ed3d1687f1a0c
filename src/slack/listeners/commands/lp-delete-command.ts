import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { canRequest } from '../../../domain/decide.js';
import { buildRequestModal } from '../../blocks/request-modal.js';
import { helpText, quotaText } from '../../blocks/notices.js';
import { parseCommandText } from '../../command-text.js';
import { escapeMrkdwn } from '../../format.js';
import type { ListenerContext } from '../context.js';

/** `/lp-delete [help | quota | <type> <ids…>]`: answers help and quota privately, otherwise opens the form. */
export function lpDeleteCommand(ctx: ListenerContext) {
  return async ({ ack, command, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const intent = parseCommandText(command.text ?? '');
    if (intent.kind === 'help') return ack({ response_type: 'ephemeral', text: helpText() });
    if (intent.kind === 'quota')
      return ack({ response_type: 'ephemeral', text: quotaText(ctx.service.quota()) });
    if (intent.kind === 'unknown') {
      return ack({
        response_type: 'ephemeral',
        text: `I don't know "${escapeMrkdwn(intent.word.slice(0, 40))}".\n\n${helpText()}`,
      });
    }
    const verdict = canRequest({ userId: command.user_id, requesters: await ctx.directory.requesters() });
    if (!verdict.ok) return ack({ response_type: 'ephemeral', text: verdict.message });
    // The trigger expires ~3 s after the command: ack, then open the modal at once; nothing slow before it.
    await ack();
    const prefill = intent.kind === 'prefill' ? { type: intent.type, idsText: intent.idsText } : undefined;
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: buildRequestModal({ legacyTicketing: ctx.legacyTicketing, prefill }),
      });
    } catch (error) {
      ctx.log.warn('modal_open_failed', { slackError: (error as { data?: { error?: string } }).data?.error });
      await client.chat
        .postEphemeral({
          channel: command.channel_id,
          user: command.user_id,
          text: 'Slack did not open the deletion form in time. Please run `/lp-delete` again.',
        })
        .catch(() => undefined);
    }
  };
}
