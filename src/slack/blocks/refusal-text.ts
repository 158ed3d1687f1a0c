import { CANCEL_WINDOW_DAYS } from '../../domain/types.js';
import type { SubjectDateProblem } from '../../domain/gdpr.js';
import type { QuotaStatus, Refusal } from '../../domain/outcome.js';
import type { DeletionRequest, RequestStatus } from '../../domain/request.js';
import { readableTime } from '../../domain/zoned-time.js';
import { describeForPeople } from '../../liveperson/describe-for-people.js';
import { mention, plural, utcMinute } from '../format.js';
import { COMMAND } from '../ids.js';
import { idErrorText } from './id-messages.js';

/*
 * Every refusal of the domain and the services, in words: what happened and what to do next. The text is
 * mrkdwn for ephemeral messages and DMs (mentions render); modal field errors show it as plain text.
 * The settings and commands it names are the ones an admin or a person can act on.
 */

/** The words for a refusal. Exhaustive: a new code does not compile until it is worded here. */
export function refusalText(refusal: Refusal): string {
  switch (refusal.code) {
    case 'ALREADY_DECIDED':
      return alreadyDecided(refusal.requestId, refusal.status, refusal.decision);
    case 'EXPIRED':
      return `${refusal.requestId} waited too long for a decision and has expired, so nothing was sent to LivePerson. File it again if the deletion is still needed.`;
    case 'OWN_REQUEST':
      return `You filed ${refusal.requestId}, so someone else must approve or reject it — ask another approver.`;
    case 'NOT_APPROVER':
      return notApprover(refusal.approvers);
    case 'WRONG_MESSAGE':
      return refusal.groupId
        ? `${refusal.requestId} is part of ${refusal.groupId}: decide it with the buttons on ${refusal.groupId}'s approval message.`
        : `This button does not belong to request ${refusal.requestId}'s approval message. Use the buttons on that message.`;
    case 'NOT_REQUESTER':
      return (
        'Only people on the requester list can file deletion requests, and you are not on it. ' +
        'Ask someone who is to file it, or ask an admin to add you to REQUESTER_USER_IDS or the requester user group.'
      );
    case 'NO_REASON':
      return 'Enter the reason: the data subject request (DSR) reference.';
    case 'SUBJECT_DATE':
      return subjectDateText(refusal.problem);
    case 'INVALID_IDS':
      return refusal.errors.length > 0
        ? refusal.errors.map(idErrorText).join('\n')
        : 'These ids cannot be filed as they are. Enter them again in the form.';
    case 'QUOTA_SPENT':
      return refusal.at === 'filing'
        ? `You can't file a deletion request right now: ${spentReason(refusal.quota)} ${resetSentence(refusal.quota)} File it then, or ask a LivePerson admin to raise the monthly limit.`
        : `Nothing was sent to LivePerson: ${spentReason(refusal.quota)} ${resetSentence(refusal.quota)} Approve the request again after that, or ask a LivePerson admin to raise the monthly limit.`;
    case 'QUOTA_SHORT': {
      const { quota, needed, at } = refusal;
      return (
        `This needs ${plural(needed, 'LivePerson request')}, but only ${quota.remaining} ` +
        `${quota.remaining === 1 ? 'is' : 'are'} left this month, so ${at === 'filing' ? 'nothing was filed' : 'nothing was sent to LivePerson'}. ` +
        `${resetSentence(quota)} ${at === 'filing' ? 'File it again then' : 'Approve it again then'}, or ask a LivePerson admin to raise the monthly limit.`
      );
    }
    case 'ALREADY_CANCELLED':
      return `${refusal.requestId} was already cancelled${refusal.by ? ` by ${mention(refusal.by)}` : ''}. Nothing will be deleted.`;
    case 'NOT_SUBMITTED':
      return (
        `${refusal.requestId} was never accepted by LivePerson (its status is ${statusWords(refusal.status)}), ` +
        'so there is nothing to cancel there.'
      );
    case 'CANCEL_IN_PROGRESS':
      return `${mention(refusal.by)} is already cancelling ${refusal.requestId}; you will see the result in its thread.`;
    case 'WINDOW_CLOSED':
      return (
        `${refusal.requestId} can no longer be cancelled: LivePerson accepts a cancel only for ${CANCEL_WINDOW_DAYS} days after the request ` +
        `time${refusal.until ? `, which ended ${utcMinute(refusal.until)}` : ''}. ` +
        `The deletion is final. Use \`${COMMAND} status\` to follow it.`
      );
    case 'NOT_ALLOWED':
      return `Only the requester (${mention(refusal.requester)}) or an approver can cancel ${refusal.requestId}. Ask one of them.`;
    case 'CANCEL_FAILED': {
      const people = describeForPeople(refusal.cause);
      return (
        `${refusal.requestId} was not cancelled: ${people.what} ${people.next}` +
        (refusal.lpCode === 'LP_OUTCOME_UNKNOWN'
          ? ` Use Refresh status (or \`${COMMAND} status\`) to see whether LivePerson cancelled it.`
          : '')
      );
    }
    case 'NOT_FOUND':
      return refusal.ref === undefined
        ? 'lp-delete has no record of this request. Check the request number (DR-…) in the approval message.'
        : `lp-delete has no request "${shown(refusal.ref)}". Give its DR-… id (from the approval message) or LivePerson's ` +
            'request number (from the record in the thread).';
    case 'NOT_YOURS':
      return notYours(refusal.ref, refusal.asked);
    case 'RATE_LIMITED':
      return (
        `You have asked ${refusal.perMinute} times in the last minute, the most one person may (each ask may ` +
        `call LivePerson, whose API limits calls). Nothing was looked up. Try again in ${refusal.retryInSeconds} seconds.`
      );
    case 'NOT_SAVED':
      return `${NOT_SAVED_WHAT[refusal.action]}: lp-delete could not save it (its data storage is failing). Try again in a few minutes; if it keeps failing, tell the lp-delete admins (npm run doctor shows the cause).`;
    case 'SEARCH_GONE':
      return `This search is no longer available (it is kept for an hour). Run \`${COMMAND} person …\` again.`;
    case 'SEARCH_NOT_ALLOWED':
      return (
        'Only approvers may search LivePerson for a person while no requester list is set (a search can look up ' +
        `anyone's conversations). Nothing was searched. Ask an approver${refusal.approvers.length ? ` (${mentionList(refusal.approvers)})` : ''} ` +
        'to search, or ask an admin to set REQUESTER_USER_IDS or REQUESTER_USERGROUP_ID.'
      );
    case 'IDENTIFIER_INVALID':
      return refusal.problem === 'empty'
        ? 'Enter the person’s email address, consumer id, phone number or name (invisible characters do not count).'
        : `This is longer than ${refusal.max} characters: enter one email address, consumer id, phone number or name.`;
    case 'SEARCH_BUSY':
      return `Your previous person search is still running: one at a time. Wait for its result (at the latest, search again after ${utcMinute(refusal.retryAt)}).`;
    case 'SEARCH_LIMIT':
      return (
        `You have run ${refusal.limit} person searches in the last ${refusal.windowMinutes} minutes, the most one person ` +
        `may. Nothing was searched. You can search again after ${utcMinute(refusal.retryAt)}.`
      );
    case 'SEARCH_NOT_YOURS':
      return `This search was run by someone else, so only they can send it for approval. Run \`${COMMAND} person …\` yourself.`;
    case 'SEARCH_USED':
      return refusal.filing
        ? 'This search is being sent for approval already (a second click). Look for its approval message in the privacy channel.'
        : 'This search was already sent for approval, so nothing was filed again. Its approval message is in the privacy channel.';
    case 'NOTHING_TO_DELETE':
      return refusal.openHeldBack > 0
        ? 'Nothing can be deleted yet: the conversations found are still open, and LivePerson deletes closed ones only. Search again once they have closed.'
        : 'Nothing to delete: nothing is chosen, or LivePerson has nothing under this identifier in the last 13 months. Tick the consumers or mentions that belong to this person.';
    case 'ALREADY_FILED':
      return refusal.justNow
        ? 'Someone has just filed these conversations for approval.'
        : 'These conversations have already been filed for approval; see the approval messages in the channel.';
    case 'NOT_DONE':
      return `${refusal.requestId} is not finished at LivePerson yet, so there is nothing to check. Once LivePerson reports it done, lp-delete checks it by itself and says so in its thread.`;
    case 'NOTHING_LEFT':
      return `Nothing of ${refusal.requestId} was left readable at its last check, so there is nothing to file again. \`${COMMAND} verify ${refusal.requestId}\` checks it now.`;
  }
}

/** Under the form's date field: what is wrong with the day the data subject made the request. */
export function subjectDateText(problem: SubjectDateProblem): string {
  return problem === 'in_the_future'
    ? 'This day is in the future. Choose the day the data subject made the request.'
    : 'Choose the day the data subject made the request.';
}

const NOT_SAVED_WHAT: Record<Extract<Refusal, { code: 'NOT_SAVED' }>['action'], string> = {
  file: 'Nothing was filed',
  approve: 'Nothing was approved or sent to LivePerson',
  reject: 'The request was not rejected',
};

function notYours(ref: string, asked: Extract<Refusal, { code: 'NOT_YOURS' }>['asked']): string {
  switch (asked) {
    case 'see':
      return (
        `"${shown(ref)}" is not yours to see: a deletion request's details are shown only to the person who filed ` +
        'it and to the approvers. Nothing was looked up. If you need its status, ask one of the approvers in the ' +
        'privacy channel.'
      );
    case 'look_up_elsewhere':
      return (
        `lp-delete did not file a request "${shown(ref)}", and only approvers may look up LivePerson requests made ` +
        'elsewhere. Nothing was looked up. For a request you filed, give its DR-… id; otherwise ask an approver.'
      );
    case 'cancel':
      return (
        `Only the requester of a deletion request or an approver can cancel it, and "${shown(ref)}" is not ` +
        'yours: nothing was done. If it must be cancelled, ask one of the approvers in the privacy channel.'
      );
  }
}

function notApprover(approvers: readonly string[]): string {
  if (approvers.length === 0) {
    return (
      'No approvers are configured, so nobody can approve deletion requests yet. ' +
      'Ask an admin to set APPROVER_USER_IDS or APPROVER_USERGROUP_ID.'
    );
  }
  return (
    'Only configured approvers can approve or reject deletion requests, and you are not one of them. ' +
    `Ask one of them (${mentionList(approvers)}) to decide, or ask an admin to add you to APPROVER_USER_IDS.`
  );
}

/** Names a handful of approvers; a long list would drown the message. */
function mentionList(userIds: readonly string[]): string {
  const shownIds = userIds.slice(0, 5).map(mention);
  const rest = userIds.length - shownIds.length;
  return rest > 0 ? `${shownIds.join(', ')} and ${rest} more` : shownIds.join(', ');
}

const STATUS_AFTER_APPROVAL: Partial<Record<RequestStatus, string>> = {
  submitting: 'It is being sent to LivePerson now.',
  submitted: 'It has been sent to LivePerson.',
  failed: 'LivePerson refused it; see the request for the error.',
  outcome_unknown: 'Whether LivePerson received it is unknown; check the request before filing it again.',
  cancelled: 'It has since been cancelled.',
};

function alreadyDecided(
  requestId: string,
  status: RequestStatus,
  decision: DeletionRequest['decision'] | undefined,
): string {
  const prefix = `${requestId} is no longer waiting for a decision.`;
  if (status === 'expired') {
    return `${prefix} It expired without one; file a new request if the deletion is still needed.`;
  }
  if (!decision) {
    // A status past approval without a recorded decision should not happen; still say what we know.
    return `${prefix} Its status is ${statusWords(status)}.`;
  }
  const verb = decision.outcome === 'approved' ? 'approved' : 'rejected';
  const after = STATUS_AFTER_APPROVAL[status];
  const at = new Date(decision.at);
  const when = Number.isNaN(at.getTime()) ? decision.at : utcMinute(at);
  return `${prefix} Already ${verb} by ${mention(decision.by)} at ${when}.${after ? ` ${after}` : ''}`;
}

function spentReason(quota: QuotaStatus): string {
  if (quota.used >= quota.limit) {
    return `this month's limit of ${plural(quota.limit, 'deletion request')} is used up (${quota.used} of ${quota.limit}).`;
  }
  // A 429 with room left on our count: requests filed outside lp-delete count against the same limit.
  return (
    `LivePerson reports the account's monthly limit is reached (lp-delete counted ${quota.used} of ` +
    `${quota.limit}; requests filed outside this app count too).`
  );
}

function resetSentence(quota: QuotaStatus): string {
  if (!quota.resetsAt) return 'The quota resets on the 1st of next month.';
  const tz = quota.timeZone ?? 'UTC';
  return `The quota resets on ${readableTime(quota.resetsAt, tz)} (${tz}).`;
}

function statusWords(status: RequestStatus): string {
  return status.replace(/_/g, ' ');
}

/** What the person typed, quoted back: short, and without characters Slack would format. */
function shown(ref: string): string {
  return ref
    .trim()
    .slice(0, 40)
    .replace(/[<>&`*_~]/g, '');
}
