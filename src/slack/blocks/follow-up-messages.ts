/** What the follow-up tells people once LivePerson finished a deletion, or is late with one. Pure. */
import { OVERDUE_AFTER_DAYS, type Completion } from '../../domain/follow-up.js';
import { submittedAt } from '../../domain/lifecycle.js';
import type { DeletionRequest } from '../../domain/request.js';
import { DELETION_TYPE_LABELS } from '../../domain/types.js';
import { COMMAND } from '../ids.js';
import { calendarDate, escapeMrkdwn, slackDate } from '../format.js';
import { context, section, typeAndCount, type SlackMessage } from './parts.js';

function lpId(request: DeletionRequest): string {
  return request.lpRecord ? ` (LivePerson request ${escapeMrkdwn(request.lpRecord.requestId)})` : '';
}

function deadlineNote(completion: Completion): string {
  if (completion.beforeDeadline === undefined) return '';
  return completion.beforeDeadline
    ? ' That is within the GDPR deadline.'
    : ' :warning: That is *after* the GDPR deadline: note it in the case file.';
}

/** In the approval message's thread: LivePerson finished deleting, with the date. */
export function completedMessage(request: DeletionRequest, completion: Completion): SlackMessage {
  const when = request.completedAt ? slackDate(request.completedAt) : calendarDate(completion.completedOn);
  const text =
    `:white_check_mark: LivePerson finished deleting *${request.id}*${lpId(request)}, ${typeAndCount(request)}: ` +
    `reported done ${when}.${deadlineNote(completion)}`;
  return {
    text: `LivePerson finished deleting ${request.id} (${calendarDate(completion.completedOn)})`,
    blocks: [section(text)],
  };
}

/**
 * The confirmation the privacy officer can paste to the data subject: plain sentences, with no Slack
 * markup, no names and no LivePerson or conversation ids; the date as a calendar date, not a Slack token.
 */
export function dataSubjectConfirmation(request: DeletionRequest, completion: Completion): string {
  const asked = request.subjectRequestedOn ? ` of ${calendarDate(request.subjectRequestedOn)}` : '';
  const what = DELETION_TYPE_LABELS[request.type].toLowerCase();
  return (
    `Following your request${asked} to erase your personal data, we confirm that the personal data in the ` +
    `${what} records concerned has been deleted from our customer-conversation platform (LivePerson). ` +
    `The deletion was completed on ${calendarDate(completion.completedOn)}. Our reference: ${request.id}.`
  );
}

/** DM to the requester: done, whether the deletion was `verified` (a sentence), the confirmation to paste. */
export function completedRequesterMessage(
  request: DeletionRequest,
  completion: Completion,
  verified?: string,
): SlackMessage {
  const head =
    `LivePerson finished deleting your deletion request *${request.id}* (${typeAndCount(request)}) ` +
    `on ${calendarDate(completion.completedOn)}.${deadlineNote(completion)}`;
  const confirmation = dataSubjectConfirmation(request, completion);
  return {
    text: [head, verified, `A confirmation you can send to the data subject:\n${confirmation}`]
      .filter(Boolean)
      .join('\n'),
    blocks: [
      section(head),
      ...(verified ? [section(verified)] : []),
      section(`*A confirmation you can send to the data subject:*\n\`\`\`${confirmation}\`\`\``),
      context('Check the wording against your own templates before sending it.'),
    ],
  };
}

/** In the thread, once: still not final 30 days after submission. */
export function overdueMessage(request: DeletionRequest): SlackMessage {
  const at = submittedAt(request);
  const since = at ? ` (submitted ${slackDate(at)})` : '';
  const text =
    `:warning: *${request.id}*${lpId(request)} is still not done at LivePerson ${OVERDUE_AFTER_DAYS} days after ` +
    `submission${since}, although LivePerson guarantees deletion within 25 days. ` +
    `lp-delete keeps checking; check \`${COMMAND} status ${request.id}\` and, if it stays so, ` +
    'ask LivePerson support about the request.';
  return { text: `${request.id} is still not done at LivePerson`, blocks: [section(text)] };
}
