/** The "erase a person" views: searching, then what was found and what it becomes. Pure. */
import type { types } from '@slack/bolt';
import type { PlanOutcome } from '../../domain/plan.js';
import type { HistoryErrorCode } from '../../liveperson/liveperson-error.js';
import type { PersonSearchResult } from '../../service/person-search-result.js';
import { escapeMrkdwn, plural, slackDate, truncate } from '../format.js';
import { keywordHitsBlockId, PERSON_ACTION, PERSON_BLOCK, PERSON_CALLBACK } from '../ids.js';
import {
  REASON_MAX,
  context,
  fieldsSection,
  plainText,
  section,
  textInput,
  type KnownBlock,
  type ModalView,
} from './parts.js';
import { planRefusalText, planSummaryLine, requestsByType } from './plan-lines.js';
import { checkboxGroups, consumerChoiceBlocks, NOTHING_CHOSEN_TEXT } from './person-consumers.js';

const TITLE = 'Erase a person';
/** The identifier is shown back to the officer, cut to this length. */
const IDENTIFIER_SHOWN_MAX = 200;
const DATE_FORMAT = '{date_short}';

function shownIdentifier(identifier: string): string {
  return escapeMrkdwn(truncate(identifier.trim().replace(/\s+/g, ' '), IDENTIFIER_SHOWN_MAX));
}

function withMetadata(view: ModalView, privateMetadata: string | undefined): ModalView {
  return privateMetadata ? { ...view, private_metadata: privateMetadata } : view;
}

export interface PersonSearchingModalOptions {
  identifier: string;
  chatHistory: boolean;
  privateMetadata?: string;
  /** Periods (search windows) searched so far, once the search has begun. */
  progress?: { done: number; total: number };
}

/** Opened at once (inside the 3-second ack); `views.update` replaces it when the search is done. */
export function buildPersonSearchingModal(options: PersonSearchingModalOptions): ModalView {
  const what = options.chatHistory ? 'messaging conversations and chats' : 'messaging conversations';
  const blocks: KnownBlock[] = [
    section(`:hourglass_flowing_sand: *Searching LivePerson* for *${shownIdentifier(options.identifier)}*…`),
    context(
      `Looking through the last 13 months of ${what}. This can take a minute; this view updates by itself.`,
      'Nothing is filed until you send it for approval.',
    ),
  ];
  if (options.progress) {
    const { done, total } = options.progress;
    blocks.push({
      ...context(`${done} of ${plural(total, 'period')} searched`),
      block_id: PERSON_BLOCK.progress,
    });
  }
  const view: ModalView = {
    type: 'modal',
    callback_id: PERSON_CALLBACK.searching,
    title: plainText(TITLE),
    close: plainText('Cancel'),
    blocks,
  };
  return withMetadata(view, options.privateMetadata);
}

export interface PersonResultModalOptions {
  identifier: string;
  result: PersonSearchResult;
  /** buildPlan's answer for the untouched view (no keyword-only hits ticked). */
  outcome: PlanOutcome;
  /** This month's requests left and limit, for "uses 2 of the 37 left". */
  quota: { remaining: number; limit: number };
  chatHistory: boolean;
  privateMetadata?: string;
  /** The reason typed in the form before "A person" was searched, to start from. */
  reason?: string;
}

function dateField(label: string, iso: string | null): string {
  return `*${label}*\n${iso ? slackDate(iso, DATE_FORMAT) : '—'}`;
}

function keywordHitOption(hit: PersonSearchResult['keywordOnly'][number]): types.Option {
  const state = hit.status === 'CLOSE' ? 'Closed' : 'Open, held back';
  return {
    text: plainText(truncate(`${state} · ${hit.startTime.slice(0, 10)} · ${hit.conversationId}`, 75)),
    value: hit.conversationId,
  };
}

function keywordHitBlocks(hits: PersonSearchResult['keywordOnly'], capped: boolean): KnownBlock[] {
  if (hits.length === 0) return [];
  const count = capped ? `${hits.length}+ conversations` : plural(hits.length, 'conversation');
  return [
    { type: 'divider' },
    section(
      `*${count} only mention${hits.length === 1 && !capped ? 's' : ''} it in message text.* ` +
        'They are left out unless you tick them: tick only those you have checked belong to this person.',
    ),
    ...checkboxGroups(hits.map(keywordHitOption), {
      label: 'Mentions',
      actionId: PERSON_ACTION.keywordHits,
      blockId: keywordHitsBlockId,
      notShown: (n) => `${plural(n, 'more mention')} not shown. A more specific identifier finds fewer.`,
    }),
  ];
}

/**
 * What was found, in counts and dates only (never transcripts, names, emails or phone numbers), what it
 * becomes and how much of the month's quota it takes. Keyword-only hits are offered as unticked boxes.
 */
export function buildPersonResultModal(options: PersonResultModalOptions): ModalView {
  const { result, outcome, quota } = options;
  const counts = result.counts;
  const namesakes = result.namesakes && result.consumers.length > 0;
  const together = namesakes ? `, all ${result.consumers.length} consumers together` : '';
  const blocks: KnownBlock[] = [
    section(`*LivePerson has this for ${shownIdentifier(options.identifier)}* (last 13 months${together}):`),
    {
      ...fieldsSection([
        `*Closed conversations to delete*\n${counts.closedConversations}`,
        `*Open, held back*\n${counts.openConversations}`,
        `*Consumer ids*\n${counts.consumerIds}`,
        `*Chats*\n${options.chatHistory ? String(counts.chats) : 'not searched'}`,
        dateField('First', result.firstDate),
        dateField('Last', result.lastDate),
      ]),
      block_id: PERSON_BLOCK.summary,
    },
  ];
  if (counts.openConversations > 0) {
    blocks.push(
      context(
        'LivePerson deletes closed conversations only. Open ones are held back; lp-delete checks them again ' +
          'and offers them for a new approval once they have closed.',
      ),
    );
  }

  if (namesakes) blocks.push(...consumerChoiceBlocks(result.consumers));
  const nothingChosen = namesakes && !outcome.ok && outcome.code === 'nothing_to_delete';
  const planText = nothingChosen
    ? NOTHING_CHOSEN_TEXT
    : outcome.ok
      ? [
          `*${planSummaryLine(outcome.plan.summary)}*`,
          ...requestsByType(outcome.plan.requests),
          `Uses ${outcome.plan.quotaNeeded} of the ${quota.remaining} requests left this month (limit ${quota.limit}).`,
        ].join('\n')
      : planRefusalText(outcome);
  blocks.push({ ...section(planText), block_id: PERSON_BLOCK.plan });

  // Ticking mentions in can make an empty plan fileable, never a quota-short one fit.
  const canSend =
    outcome.ok || (outcome.code === 'nothing_to_delete' && (result.keywordOnly.length > 0 || namesakes));
  if (canSend) {
    blocks.push(
      ...keywordHitBlocks(result.keywordOnly, result.keywordOnlyCapped),
      { type: 'divider' },
      textInput({
        blockId: PERSON_BLOCK.reason,
        actionId: PERSON_ACTION.reason,
        label: 'Reason',
        hint: 'The DSR reference or ticket, shown to the approver and kept with the request.',
        placeholder: 'e.g. DSR-2026-0142',
        maxLength: REASON_MAX,
        initialValue: options.reason?.trim(),
      }),
    );
    blocks.push(context('Nothing reaches LivePerson until a second person approves in the privacy channel.'));
  }
  const view: ModalView = {
    type: 'modal',
    callback_id: PERSON_CALLBACK.result,
    title: plainText(TITLE),
    close: plainText(canSend ? 'Cancel' : 'Close'),
    blocks,
  };
  if (canSend) view.submit = plainText('Send for approval');
  return withMetadata(view, options.privateMetadata);
}

const FAILURE_WORDS: Record<HistoryErrorCode, string> = {
  HISTORY_INCOMPLETE:
    'The search was incomplete: LivePerson sent fewer records than it counted, so some ids could be missing. Nothing was filed; search again in a minute.',
  HISTORY_UNAUTHORIZED:
    'LivePerson did not accept the app’s credentials for its history APIs. Ask the app administrator to run `npm run doctor`.',
  HISTORY_FORBIDDEN:
    'The app’s LivePerson key may not read conversation history. Ask a LivePerson admin to give the key the Messaging Interactions (and, for chat, Engagement History) permission.',
  HISTORY_RATE_LIMITED: 'LivePerson is receiving too many calls right now. Wait a minute and search again.',
  HISTORY_SERVER_ERROR: 'LivePerson had an internal error while searching. Try again later.',
  HISTORY_UNREACHABLE:
    'LivePerson could not be reached. Check the network and search again in a few minutes.',
  HISTORY_HOST_UNKNOWN:
    'LivePerson’s directory (Domain API) could not say which server holds this account’s conversation history. Ask the app administrator to check LP_ACCOUNT_ID and LP_DOMAIN_API_URL (`npm run doctor`).',
  HISTORY_BAD_REQUEST:
    'LivePerson refused the search. Try a shorter identifier; if it keeps happening, ask the app administrator to check the logs.',
  HISTORY_BAD_RESPONSE:
    'LivePerson answered in a form the app does not understand. Try again later; if it persists, ask the app administrator to check for API changes.',
};

/** The view when the search failed: what happened and what to do next, by code. */
export function buildPersonSearchFailedModal(options: {
  code: HistoryErrorCode | undefined;
  privateMetadata?: string;
}): ModalView {
  const words = options.code
    ? FAILURE_WORDS[options.code]
    : 'Something unexpected went wrong while searching LivePerson. Try again; if it keeps happening, ask the app administrator to check the logs.';
  return withMetadata(
    {
      type: 'modal',
      callback_id: PERSON_CALLBACK.result,
      title: plainText(TITLE),
      close: plainText('Close'),
      blocks: [section(`:warning: ${words}`)],
    },
    options.privateMetadata,
  );
}
