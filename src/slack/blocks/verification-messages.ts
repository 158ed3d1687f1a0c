import type { DeletionRequest } from '../../domain/request.js';
import type { DeletionType } from '../../domain/types.js';
import { SECOND_CHECK_AFTER_DAYS } from '../../domain/verification.js';
import type { VerificationResult } from '../../domain/verification-schema.js';
import { mention, plural } from '../format.js';
import { ACTION, BLOCK, COMMAND } from '../ids.js';
import { button, buttonRow, context, section, type KnownBlock, type SlackMessage } from './parts.js';

/**
 * The words of proof of erasure: what reading LivePerson's history back found. Counts only: nothing
 * LivePerson returned is ever in them. Pure.
 */

/** What the counts count: conversations (a consumer's too), chats, tickets. */
function unitOf(type: DeletionType): string {
  if (type === 'engagement') return 'chat';
  if (type === 'ticketing') return 'ticket';
  return 'conversation';
}

const NOT_CHECKABLE_WHY = "past LivePerson's 13-month history, so they cannot be read back";

/** One line: "Verified: 37 of 37 conversations erased", "2 of 37 conversations still readable at LivePerson", … */
export function verificationHeadline(type: DeletionType, result: VerificationResult): string {
  const unit = unitOf(type);
  const of = (n: number) => `${n} of ${plural(result.total, unit)}`;
  switch (result.outcome) {
    case 'verified':
      return `Verified: ${of(result.erased)} erased`;
    case 'residual':
      return `${of(result.residual)} still readable at LivePerson`;
    case 'not_checkable':
      return `Not checkable: ${of(result.notCheckable)} ${NOT_CHECKABLE_WHY}`;
    case 'not_verified':
      return "Not yet verified: LivePerson's history could not be read";
  }
}

/** The counts around the headline (erased, not checkable), and what happens next. */
function detail(type: DeletionType, result: VerificationResult): string {
  const unit = unitOf(type);
  const parts: string[] = [];
  if (result.outcome === 'residual' && result.erased > 0) parts.push(`${result.erased} erased`);
  if (result.outcome !== 'not_checkable' && result.notCheckable > 0) {
    parts.push(
      `${plural(result.notCheckable, unit)} not checkable (${NOT_CHECKABLE_WHY}; never counted as erased)`,
    );
  }
  const counts = parts.length > 0 ? ` ${parts.join('; ')}.` : '';
  switch (result.outcome) {
    case 'not_verified':
      return ' lp-delete tries again at the next status check; nothing is counted as erased until it is read.';
    case 'residual':
      return `${counts} LivePerson reported the deletion done, but something of these is not masked.`;
    default:
      return counts;
  }
}

/** In the request's thread: what the read-back found; with something left, File again and the alert. */
export function verificationMessage(
  request: Pick<DeletionRequest, 'id' | 'type'>,
  result: VerificationResult,
  options: { alert: boolean; approvers: readonly string[] },
): SlackMessage {
  const headline = verificationHeadline(request.type, result);
  const icon =
    result.outcome === 'verified'
      ? ':white_check_mark:'
      : result.outcome === 'residual'
        ? ':warning:'
        : ':grey_question:';
  const blocks: KnownBlock[] = [
    section(`${icon} *${request.id}* — *${headline}*.${detail(request.type, result)}`),
  ];
  if (result.outcome === 'residual') {
    const who =
      options.alert && options.approvers.length > 0 ? `${options.approvers.map(mention).join(' ')}: ` : '';
    blocks.push(
      section(
        `${who}*File again* starts a new request for exactly the ${plural(result.residual, unitOf(request.type))} ` +
          'still readable, linked to this one; someone other than the person who clicks must approve it.',
      ),
      buttonRow(BLOCK.fileAgain, button(ACTION.fileAgain, 'File again', request.id)),
    );
  }
  blocks.push(
    context(
      `Read back from LivePerson's history (masked: replaced with LivePerson's \`LP deleted data\` text). ` +
        `Checked at LivePerson's DONE and once more ${SECOND_CHECK_AFTER_DAYS} days later; \`${COMMAND} verify ${request.id}\` checks now.`,
    ),
  );
  return { text: `${request.id}: ${headline}`, blocks };
}

/** The sentence the requester's completion DM adds: whether the deletion was verified. */
export function verificationSentence(type: DeletionType, result: VerificationResult): string {
  const headline = verificationHeadline(type, result);
  switch (result.outcome) {
    case 'verified':
      return `${headline} (read back from LivePerson's history).${detail(type, result)}`;
    case 'residual':
      return `Not verified: ${headline}. The approvers were alerted and can file them again from the thread.`;
    case 'not_checkable':
      return `Not verified. ${headline}.`;
    case 'not_verified':
      return `${headline}; lp-delete tries again and says so in the request's thread.`;
  }
}

/** `/lp-delete verify <DR-…>`: the same counts, privately. */
export function verifyAnswerText(
  request: Pick<DeletionRequest, 'id' | 'type'>,
  result: VerificationResult,
): string {
  return `*${request.id}* — ${verificationHeadline(request.type, result)}.${detail(request.type, result)}`;
}

/** File again filed the new request. */
export function filedAgainText(original: string, filed: string): string {
  return `Filed *${filed}* for what *${original}* left readable at LivePerson. It waits in the channel for a second person's approval.`;
}
