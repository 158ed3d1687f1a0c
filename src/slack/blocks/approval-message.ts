/** The message approvers see in the approval channel, re-rendered as the request moves on. Pure. */
import type { DeletionRequest } from '../../domain/request.js';
import { CANCEL_WINDOW_DAYS, DELETION_TYPE_LABELS } from '../../domain/types.js';
import { ACTION, BLOCK } from '../ids.js';
import { deadlineText } from './lifecycle-messages.js';
import { groupSummaryLine } from './plan-lines.js';
import { namesakesLine } from './person-consumers.js';
import { escapeMrkdwn, mention, plural, slackDate, truncate } from '../format.js';
import {
  SECTION_TEXT_MAX,
  button,
  buttonRow,
  confirmDialog,
  context,
  decisionLine,
  fieldsSection,
  header,
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
function idListSections(
  request: Pick<DeletionRequest, 'type' | 'ids'>,
  options: { heading?: string; budget?: number } = {},
): SectionBlock[] {
  const heading = options.heading ?? `*${DELETION_TYPE_LABELS[request.type]} ids (${request.ids.length})*`;
  const budget = options.budget ?? ID_LIST_BUDGET;
  const lines = [heading];
  let used = heading.length;
  for (const id of request.ids) {
    const line = formatId(id);
    used += line.length + 1;
    if (used > budget) break;
    lines.push(line);
  }
  const hidden = request.ids.length - (lines.length - 1);
  if (hidden > 0)
    lines.push(`_…and ${plural(hidden, 'more id')}, not shown: Slack limits how long one message can be._`);
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= SECTION_TEXT_MAX)
      chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return chunks.map((text) => section(text));
}

/** Who filed it, what (the second field), how many ids, when. */
function summaryFields(lead: DeletionRequest, what: string, ids: number): SectionBlock {
  return fieldsSection([
    `*Requested by*\n${mention(lead.requestedBy)}`,
    what,
    `*Ids*\n${ids}`,
    `*Filed*\n${slackDate(lead.createdAt)}`,
  ]);
}

function reasonBlocks(lead: DeletionRequest, today: string | undefined): KnownBlock[] {
  return [
    section(`*Reason (DSR reference)*\n${quoteNote(lead.reason) || '_none given_'}`),
    ...optionalContext(deadlineText(lead, today)),
  ];
}

/**
 * The quota line, then (while it waits) Approve and Reject and who may decide, or (after) the decision and
 * the status. `parts` > 1: several LivePerson requests under this one approval.
 */
function decisionBlocks(
  lead: DeletionRequest,
  ctx: ApprovalContext,
  parts: number,
  ids: number,
): KnownBlock[] {
  const group = parts > 1;
  const quota = context(
    `Quota left after submission: ${ctx.quotaLeftAfter} of ${ctx.limit} this month` +
      `${group ? ` (this approval uses ${parts})` : ''}. Only closed conversations can be deleted.`,
  );
  if (lead.status !== 'pending_approval') {
    return [quota, context([decisionLine(lead), statusInWords(lead)].filter(Boolean).join('\n'))];
  }
  const what = group ? `${plural(ids, 'id')} in ${plural(parts, 'request')}` : plural(ids, 'id');
  const sends = !group ? 'it' : `${parts === 2 ? 'both' : `all ${parts}`} requests`;
  const buttons = buttonRow(
    BLOCK.decision,
    button(ACTION.approve, 'Approve', lead.id, {
      style: 'primary',
      confirm: confirmDialog(
        'Approve deletion?',
        `LivePerson will delete the personal data for these ${what}. ${group ? 'Each' : 'It'} can be ` +
          `cancelled for ${CANCEL_WINDOW_DAYS} days after submission; after that it is irreversible.`,
        'Approve and send',
        'Go back',
      ),
    }),
    button(ACTION.reject, 'Reject', lead.id, { style: 'danger' }),
  );
  return [
    quota,
    buttons,
    context(
      `Needs approval by someone other than ${mention(lead.requestedBy)}. ` +
        `Approving sends ${sends} to LivePerson straight away.`,
    ),
  ];
}

function optionalContext(text: string | undefined): KnownBlock[] {
  return text ? [context(text)] : [];
}

/** The notification's end: no ids, no reason (it shows on lock screens). */
function stateText(lead: DeletionRequest): string {
  return lead.status === 'pending_approval' ? 'waiting for approval' : statusInWords(lead).replace(/\.$/, '');
}

export function buildApprovalMessage(request: DeletionRequest, ctx: ApprovalContext): SlackMessage {
  const blocks: KnownBlock[] = [
    header(`Deletion request ${request.id}`),
    summaryFields(request, `*Type*\n${DELETION_TYPE_LABELS[request.type]}`, request.ids.length),
    ...optionalContext(namesakesLine(request)),
    ...reasonBlocks(request, ctx.today),
    ...optionalContext(
      request.refileOf
        ? `Filed again: what ${escapeMrkdwn(request.refileOf)} left readable at LivePerson after it was reported done.`
        : '',
    ),
    ...idListSections(request),
    ...decisionBlocks(request, ctx, 1, request.ids.length),
  ];
  const ids = plural(request.ids.length, DELETION_TYPE_LABELS[request.type].toLowerCase() + ' id');
  return { text: `Deletion request ${request.id}: ${ids}, ${stateText(request)}`, blocks };
}

/** The approval message of several requests under one approval: the plan, then each part. */
export function buildGroupApprovalMessage(
  group: { lead: DeletionRequest; parts: readonly DeletionRequest[] },
  ctx: ApprovalContext,
): SlackMessage {
  const { lead, parts } = group;
  const pending = lead.status === 'pending_approval';
  const totalIds = parts.reduce((sum, p) => sum + p.ids.length, 0);
  const summary = groupSummaryLine(lead);
  const heldBack = lead.group?.heldBack?.length ?? 0;
  const blocks: KnownBlock[] = [
    header(`Deletion request ${lead.id}: ${plural(parts.length, 'LivePerson request')}`),
    summaryFields(lead, `*LivePerson requests*\n${parts.length}`, totalIds),
  ];
  if (summary) blocks.push(section(`*${escapeMrkdwn(summary)}*`));
  blocks.push(...optionalContext(namesakesLine(lead)));
  if (lead.group?.heldBackFrom) {
    blocks.push(
      context(`Conversations held back from ${escapeMrkdwn(lead.group.heldBackFrom)}, closed since.`),
    );
  }
  blocks.push(...reasonBlocks(lead, ctx.today));
  // The id lists share what one message may hold; a part past it is named with its count only.
  // Past the budget, the remaining parts share one section (one message holds at most 50 blocks).
  let budget = ID_LIST_BUDGET;
  const unlisted: DeletionRequest[] = [];
  for (const [index, part] of parts.entries()) {
    const state = pending ? '' : ` · ${statusInWords(part)}`;
    const heading = `*${index + 1}. ${escapeMrkdwn(part.id)}: ${DELETION_TYPE_LABELS[part.type]}, ${plural(part.ids.length, 'id')}*${state}`;
    if (budget <= 0) {
      unlisted.push(part);
      continue;
    }
    const sections = idListSections(part, { heading, budget });
    budget -= sections.reduce((sum, b) => sum + (b.text?.text.length ?? 0), 0);
    blocks.push(...sections);
  }
  if (unlisted.length > 0) {
    const ids = unlisted.reduce((sum, p) => sum + p.ids.length, 0);
    const ends = unlisted.filter((_, index) => index === 0 || index === unlisted.length - 1);
    const range = ends.map((part) => escapeMrkdwn(part.id)).join(' to ');
    blocks.push(
      section(
        `*${plural(unlisted.length, 'more request')}* (${range}, ${plural(ids, 'id')}): their ids are not shown, Slack limits how long one message can be. Every id is kept with its request (\`npm run audit -- --with-ids\`).`,
      ),
    );
  }
  if (heldBack > 0) {
    blocks.push(
      context(
        `${plural(heldBack, 'open conversation')} held back: LivePerson deletes closed conversations only. ` +
          'lp-delete checks them again and offers them for a new approval once they have closed.',
      ),
    );
  }
  blocks.push(...decisionBlocks(lead, ctx, parts.length, totalIds));
  const text = `Deletion request ${lead.id}: ${plural(parts.length, 'LivePerson request')}, ${plural(totalIds, 'id')}, ${stateText(lead)}`;
  return { text, blocks };
}
