/** The message approvers see in the approval channel, re-rendered as the request moves on. Pure. */
import type { types } from '@slack/bolt';
import type { DeletionRequest } from '../../domain/request.js';
import { CANCEL_WINDOW_DAYS, DELETION_TYPE_LABELS } from '../../domain/types.js';
import { ACTION, BLOCK } from '../ids.js';
import { deadlineText } from './lifecycle-messages.js';
import { escapeMrkdwn, mention, plural, slackDate, truncate } from '../format.js';
import {
  SECTION_TEXT_MAX,
  context,
  decisionLine,
  fieldsSection,
  header,
  plainText,
  quoteNote,
  section,
  statusInWords,
  type KnownBlock,
  type SectionBlock,
  type SlackMessage,
} from './parts.js';

export interface ApprovalContext {
  /** Requests left this month if this one is submitted. */
  quotaLeftAfter: number;
  limit: number;
  /** Today (`yyyy-mm-dd`, team zone): warns when the GDPR deadline is near or passed. */
  today?: string;
}

/**
 * How much of the message's text the id list may take. Slack refuses a message whose blocks hold more than
 * about 12,000 characters (`msg_blocks_too_long`); 100 UUIDs take 3,900, so this only bites on absurd ids.
 */
const ID_LIST_BUDGET = 8000;
/** Longer than any real LivePerson id; only here so one pasted essay cannot break the message. */
const ID_DISPLAY_MAX = 200;

function formatId(id: string): string {
  const shown = escapeMrkdwn(truncate(id, ID_DISPLAY_MAX));
  // A backtick would end the inline code early and garble the rest of the list.
  return shown.includes('`') ? shown : `\`${shown}\``;
}

/** Every id, one per line, in as many sections as the 3,000-character section limit needs. */
export function idListSections(request: Pick<DeletionRequest, 'type' | 'ids'>): SectionBlock[] {
  const heading = `*${DELETION_TYPE_LABELS[request.type]} ids (${request.ids.length})*`;
  const chunks: string[] = [];
  let current = heading;
  let used = heading.length;
  let shown = 0;
  for (const id of request.ids) {
    const line = formatId(id);
    if (used + line.length + 1 > ID_LIST_BUDGET) break;
    if (current.length + line.length + 1 > SECTION_TEXT_MAX) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
    used += line.length + 1;
    shown += 1;
  }
  const hidden = request.ids.length - shown;
  if (hidden > 0) {
    const note = `_…and ${plural(hidden, 'more id')}, not shown: Slack limits how long one message can be._`;
    if (current.length + note.length + 1 > SECTION_TEXT_MAX) {
      chunks.push(current);
      current = note;
    } else {
      current = `${current}\n${note}`;
    }
  }
  chunks.push(current);
  return chunks.map((text) => section(text));
}

function decisionButtons(request: DeletionRequest): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: BLOCK.decision,
    elements: [
      {
        type: 'button',
        action_id: ACTION.approve,
        style: 'primary',
        text: plainText('Approve'),
        value: request.id,
        confirm: {
          title: plainText('Approve deletion?'),
          text: plainText(
            `LivePerson will delete the personal data for these ${plural(request.ids.length, 'id')}. ` +
              `It can be cancelled for ${CANCEL_WINDOW_DAYS} days after submission; after that it is irreversible.`,
          ),
          confirm: plainText('Approve and send'),
          deny: plainText('Go back'),
        },
      },
      {
        type: 'button',
        action_id: ACTION.reject,
        style: 'danger',
        text: plainText('Reject'),
        value: request.id,
      },
    ],
  };
}

function optionalContext(text: string | undefined): KnownBlock[] {
  return text ? [context(text)] : [];
}

export function buildApprovalMessage(request: DeletionRequest, ctx: ApprovalContext): SlackMessage {
  const pending = request.status === 'pending_approval';
  const blocks: KnownBlock[] = [
    header(`Deletion request ${request.id}`),
    fieldsSection([
      `*Requested by*\n${mention(request.requestedBy)}`,
      `*Type*\n${DELETION_TYPE_LABELS[request.type]}`,
      `*Ids*\n${request.ids.length}`,
      `*Filed*\n${slackDate(request.createdAt)}`,
    ]),
    section(`*Reason (DSR reference)*\n${quoteNote(request.reason) || '_none given_'}`),
    ...optionalContext(deadlineText(request, ctx.today)),
    ...idListSections(request),
    context(
      `Quota left after submission: ${ctx.quotaLeftAfter} of ${ctx.limit} this month. ` +
        'Only closed conversations can be deleted.',
    ),
  ];
  if (pending) {
    blocks.push(
      decisionButtons(request),
      context(
        `Needs approval by someone other than ${mention(request.requestedBy)}. ` +
          'Approving sends it to LivePerson straight away.',
      ),
    );
  } else {
    const decision = decisionLine(request);
    blocks.push(context([decision, statusInWords(request)].filter(Boolean).join('\n')));
  }

  // The fallback shows in notifications and on lock screens: no ids, no reason.
  const state = pending ? 'waiting for approval' : statusInWords(request).replace(/\.$/, '');
  const text = `Deletion request ${request.id}: ${plural(request.ids.length, DELETION_TYPE_LABELS[request.type].toLowerCase() + ' id')}, ${state}`;
  return { text, blocks };
}
