import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { canRequest } from '../../../domain/decide.js';
import { buildRequestModal } from '../../blocks/request-modal.js';
import { helpText } from '../../blocks/direct-messages.js';
import { parseCommandText } from '../../command-text.js';
import { escapeMrkdwn } from '../../format.js';
import { slackPlatformError } from '../../slack-errors.js';
import { today, type ListenerContext } from '../context.js';
import { answerRef, needsId, quotaAnswer } from './lifecycle-commands.js';
import { tellPrivately } from '../actions/tell-privately.js';
import { buildPersonSearchingModal } from '../../blocks/person-modal.js';
import { personMetadata, runPersonSearch } from '../person/run-search.js';
import type { WebClient } from '@slack/web-api';
import type { StartedSearch } from '../../../service/person-search-runs.js';
import { refusalText } from '../../blocks/refusal-text.js';

/** `/lp-delete [help | quota | status <id> | cancel <id> | <type> <ids…>]`: answers help and quota privately, otherwise opens the form. */
export function lpDeleteCommand(ctx: ListenerContext) {
  return async ({ ack, command, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const intent = parseCommandText(command.text);
    const answer = (text: string) => ack({ response_type: 'ephemeral', text });
    if (intent.kind === 'help') return answer(helpText());
    if (intent.kind === 'quota') return answer(await quotaAnswer(ctx, command.user_id));
    if (intent.kind === 'status' || intent.kind === 'cancel' || intent.kind === 'verify') {
      if (!intent.ref) return answer(needsId(intent.kind));
      await ack();
      const text = await answerRef(ctx, intent.kind, intent.ref, command.user_id);
      if (text !== undefined) await tellPrivately(client, ctx, command.user_id, command.channel_id, text);
      return;
    }
    if (intent.kind === 'unknown') {
      return answer(`I don't know "${escapeMrkdwn(intent.word.slice(0, 40))}".\n\n${helpText()}`);
    }
    const verdict = canRequest({ userId: command.user_id, requesters: await ctx.directory.requesters() });
    if (!verdict.ok) return answer(refusalText(verdict));
    if (intent.kind === 'person') {
      if (!intent.identifier) {
        return answer('Say whom to look for: `/lp-delete person <email address, consumer id or name>`.');
      }
      // Who may search, how often, and a clean identifier: answered before anything opens.
      const started = await ctx.person.start(command.user_id, intent.identifier);
      if (!started.ok) return answer(refusalText(started));
      await ack();
      return openPersonSearch(ctx, client, command, started.search);
    }
    // The trigger expires ~3 s after the command: ack, then open the modal at once; nothing slow before it.
    await ack();
    const prefill =
      intent.kind === 'prefill'
        ? { type: intent.type, idsText: intent.idsText, moreIdsText: intent.moreIdsText }
        : undefined;
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: buildRequestModal({
          legacyTicketing: ctx.legacyTicketing,
          prefill,
          today: today(ctx),
        }),
      });
    } catch (error) {
      ctx.log.warn('modal_open_failed', { slackError: slackPlatformError(error) });
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

/** The "Searching LivePerson…" view opens at once (the trigger lasts 3 s); the search runs after it. */
async function openPersonSearch(
  ctx: ListenerContext,
  client: WebClient,
  command: { trigger_id: string; channel_id: string; user_id: string },
  search: StartedSearch,
): Promise<void> {
  let opened: { id?: string; hash?: string } | undefined;
  try {
    const answer = await client.views.open({
      trigger_id: command.trigger_id,
      view: buildPersonSearchingModal({
        identifier: search.identifier,
        chatHistory: ctx.person.chatHistory,
        privateMetadata: personMetadata(search.token),
      }),
    });
    opened = answer.view;
  } catch (error) {
    ctx.log.warn('modal_open_failed', { slackError: slackPlatformError(error) });
  }
  if (!opened?.id) {
    await ctx.person.abandon(search.token).catch(() => undefined);
    await client.chat
      .postEphemeral({
        channel: command.channel_id,
        user: command.user_id,
        text: 'Slack did not open the search in time. Please run `/lp-delete person …` again.',
      })
      .catch(() => undefined);
    return;
  }
  await runPersonSearch(ctx, client, { viewId: opened.id, hash: opened.hash, search });
}
