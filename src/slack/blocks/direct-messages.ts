/** Short messages to one person: ephemerals, DMs, command answers. Pure. */
import { cancelWindowEnds } from '../../domain/dates.js';
import { submittedAt } from '../../domain/lifecycle.js';
import type { DeletionRequest } from '../../domain/request.js';
import {
  CANCEL_WINDOW_DAYS,
  DELETION_TYPES,
  MAX_IDS_PER_APPROVAL,
  MAX_IDS_PER_REQUEST,
} from '../../domain/types.js';
import { commandWord } from '../command-text.js';
import { COMMAND } from '../ids.js';
import type { FailureExplanation } from './failure-words.js';
import { groupSummaryLine } from './plan-lines.js';
import { escapeMrkdwn, mention, safeLink, slackDate, truncate } from '../format.js';
import { quoteNote, section, typeAndCount, type SlackMessage } from './parts.js';

/** To the requester right after filing. */
export function filedNotice(request: DeletionRequest, permalink?: string): SlackMessage {
  const link = safeLink(permalink, 'See the approval message');
  const lines = [
    `Your deletion request *${request.id}* (${escapeMrkdwn(groupSummaryLine(request) ?? typeAndCount(request))}) was sent for approval.`,
    'A second person must approve it before anything is sent to LivePerson. I will message you when it is decided.',
  ];
  if (link) lines.push(`${link}.`);
  const text = lines.join('\n');
  return { text, blocks: [section(text)] };
}

/**
 * The requester's DM once the request is decided, or when its submission ended. `explanation`: why the
 * submission failed, worded from the facts its notice carries (requests an earlier version failed also
 * stored the first sentence in `failure.message`); what happened and what to do then follow the outcome.
 */
export function requesterOutcomeText(request: DeletionRequest, explanation?: FailureExplanation): string {
  const base = outcome(request, explanation);
  if (!explanation?.what) return base;
  return `${base}\n${escapeMrkdwn(explanation.what)} ${escapeMrkdwn(explanation.next)}`;
}

function outcome(request: DeletionRequest, explanation?: FailureExplanation): string {
  const decision = request.decision;
  const by = decision ? ` by ${mention(decision.by)}` : '';
  const subject = `Your deletion request *${request.id}* (${typeAndCount(request)})`;
  switch (request.status) {
    case 'submitted': {
      const lpId = request.lpRecord ? ` as request *${escapeMrkdwn(request.lpRecord.requestId)}*` : '';
      const started = submittedAt(request);
      const until = started
        ? `It can be cancelled until ${slackDate(cancelWindowEnds(started))}; after that the deletion is final.`
        : `It can be cancelled for ${CANCEL_WINDOW_DAYS} days; after that the deletion is final.`;
      return `${subject} was approved${by} and submitted to LivePerson${lpId}. ${until}`;
    }
    case 'submitting':
      return `${subject} was approved${by} and is being submitted to LivePerson.`;
    case 'rejected': {
      const note = decision?.reason ? `: ${quoteNote(decision.reason)}` : '.';
      return (
        `${subject} was rejected${by}${note}\nNothing was sent to LivePerson. ` +
        `If it is still needed, fix what the note says and file it again with \`${COMMAND}\`.`
      );
    }
    case 'failed': {
      const what = explanation?.what ?? request.failure?.message;
      const why = what ? ` (${escapeMrkdwn(truncate(what, 300))})` : '';
      return (
        `${subject} was approved${by}, but LivePerson did not accept it${why}. Nothing was deleted.\n` +
        'See the thread under the approval message for what to do; once the cause is fixed, file it again.'
      );
    }
    case 'outcome_unknown':
      return (
        `${subject} was approved${by}, but the connection to LivePerson failed before it answered, so we do not ` +
        'know whether it was received.\nDo not file it again yet: a second request could delete twice and use ' +
        "quota twice. Ask the app's admin to check LivePerson's list of deletion requests first."
      );
    case 'cancelled':
      return `${subject} was cancelled at LivePerson. Nothing will be deleted.`;
    case 'expired':
      return `${subject} expired without a decision. Nothing was sent to LivePerson; file it again with \`${COMMAND}\` if it is still needed.`;
    case 'pending_approval':
      return `${subject} is waiting for approval.`;
  }
}

/** Every form of the command, for `/lp-delete help` and unknown words. */
export function helpText(): string {
  const types = DELETION_TYPES.map((type) => `\`${commandWord(type)}\``).join(', ');
  return [
    `*${COMMAND}* files a LivePerson personal data deletion request; a second person approves it before it is sent.`,
    `• \`${COMMAND}\` opens the form.`,
    `• \`${COMMAND} <type> <ids…>\` opens the form pre-filled. Types: ${types} (\`ticket\` only on legacy accounts). ` +
      `Up to ${MAX_IDS_PER_APPROVAL} ids, separated by spaces, commas or new lines; more than ${MAX_IDS_PER_REQUEST} become several requests under one approval.`,
    `• \`${COMMAND} person <email, consumer id or name>\` searches LivePerson for everything of one person (13 months) and files every request it needs under one approval; open conversations are held back until they close.`,
    `• \`${COMMAND} quota\` shows how many deletion requests are left this month (LivePerson's own count included) and how many wait for approval.`,
    `• \`${COMMAND} status <DR-… or LivePerson request id>\` shows LivePerson's live status and the request's dates.`,
    `• \`${COMMAND} cancel <DR-… or LivePerson request id>\` cancels a submitted request while LivePerson still allows it (${CANCEL_WINDOW_DAYS} days); the requester or an approver may.`,
    `• \`${COMMAND} verify <DR-…>\` reads LivePerson's history back now and says how much of a finished deletion is masked; the requester or an approver may.`,
    `• \`${COMMAND} help\` shows this.`,
    'The Home tab of the app shows the quota, approvals waiting and recent requests with their GDPR deadlines.',
    `Only closed conversations can be deleted. Once sent, a request can be cancelled for ${CANCEL_WINDOW_DAYS} days; after that it is final.`,
  ].join('\n');
}
