/**
 * The words for why a submission failed or may not have reached LivePerson, chosen when its notice is
 * delivered from the facts the service stored (or, for a notice an earlier version saved with its words,
 * those words as stored), and the thread reply that says them. Pure.
 */
import {
  isWorded,
  type ReconcileCheck,
  type RequestNotice,
  type SubmissionFailure,
} from '../../domain/notices.js';
import type { DeletionRequest } from '../../domain/request.js';
import { describeFailureFacts } from '../../liveperson/describe-for-people.js';
import { escapeMrkdwn, plural, slackDate, truncate } from '../format.js';
import { context, section, typeAndCount, type KnownBlock, type SlackMessage } from './parts.js';

export interface FailureExplanation {
  /** What happened, in words a privacy officer understands. Plain text: escaped where it is shown. */
  what: string;
  /** What to do next. Plain text: escaped where it is shown. */
  next: string;
}

type FailurePost = Extract<RequestNotice, { kind: 'failure_post' }>;
type RequesterOutcome = Extract<RequestNotice, { kind: 'requester_outcome' }>;

const CHECK_LIST = 'Check LivePerson’s list of deletion requests (`npm run lp -- list`)';

/** What happened and what to do, from the facts of the failure. */
export function explainFailure(failure: SubmissionFailure): FailureExplanation {
  switch (failure.code) {
    case 'UNEXPECTED':
      return {
        what: 'lp-delete hit an unexpected error while sending the request; it may or may not exist at LivePerson.',
        next: `${CHECK_LIST} before filing it again, and tell the lp-delete maintainers.`,
      };
    case 'INTERRUPTED':
      return {
        what: 'lp-delete stopped while this request was being sent to LivePerson, so it may or may not exist there.',
        next: afterInterruption(failure.candidates, failure.check),
      };
    default:
      return describeFailureFacts(failure);
  }
}

/**
 * What to check after an interruption, given LivePerson's unclaimed requests from around that time. Never
 * "file it again": LivePerson's list has no ids of ours, so only a person comparing it can tell whether
 * this request is there, and a second filing is a second deletion.
 */
function afterInterruption(candidates: readonly string[] | null, check?: ReconcileCheck): string {
  const dont = 'Do not file it again until someone has done that: filing it twice files a second deletion.';
  if (candidates === null) {
    return `lp-delete could not reach LivePerson to check; it will look again later. Meanwhile compare ${CHECK_LIST.replace('Check ', '')} with this request. ${dont}`;
  }
  const where = check ? compareWith(check) : `${CHECK_LIST} for requests from around the approval time.`;
  if (candidates.length === 0) {
    return `lp-delete found no request in LivePerson’s list it can prove is this one; LivePerson may still hold it. ${where} ${dont}`;
  }
  return `LivePerson has ${plural(candidates.length, 'request')} from around that time that no lp-delete request holds (${candidates.join(', ')}), so lp-delete cannot tell which is this one. ${where} ${dont}`;
}

/** Exactly what to compare: the time window on LivePerson's clock, requested_by, and the count. */
function compareWith(check: ReconcileCheck): string {
  const day = (iso: string) => iso.slice(0, 10);
  const time = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const by = check.requestedBy
    ? ` and requested_by ${check.requestedBy}`
    : ' (any requested_by: lp-delete has not yet seen its own)';
  const count = `${check.unexplained} such request${check.unexplained === 1 ? ' is' : 's are'} held by no lp-delete request`;
  return `In \`npm run lp -- list --from ${day(check.from)} --to ${day(check.to)}\`, compare the requests with request_time between ${time(check.from)} and ${time(check.to)} UTC (LivePerson’s own clock)${by}: ${count}.`;
}

/** The words of a failure post: from its facts, or as an earlier version stored them. */
export function failurePostWords(notice: FailurePost): FailureExplanation {
  return isWorded(notice) ? { what: notice.what, next: notice.next } : explainFailure(notice.failure);
}

/** The words a requester's outcome DM adds (none unless the submission failed or its outcome is unknown). */
export function requesterOutcomeWords(notice: RequesterOutcome): FailureExplanation | undefined {
  if (isWorded(notice)) return notice.what ? { what: notice.what, next: notice.next ?? '' } : undefined;
  return notice.failure ? explainFailure(notice.failure) : undefined;
}

/** Room for both paragraphs in one 3,000-character section even after escaping. */
const PARAGRAPH_MAX = 1200;

function paragraph(text: string): string {
  return escapeMrkdwn(truncate(text.trim(), PARAGRAPH_MAX));
}

/** The thread reply when a submission failed or its outcome is unknown. */
export function buildFailureMessage(request: DeletionRequest, explanation: FailureExplanation): SlackMessage {
  const unknown = request.status === 'outcome_unknown';
  const headline = unknown
    ? `:warning: *We do not know whether LivePerson received deletion request ${request.id}.*`
    : `:x: *LivePerson did not accept deletion request ${request.id}.* Nothing was deleted.`;

  const details = [`${typeAndCount(request)}, filed ${slackDate(request.createdAt)}`];
  const failure = request.failure;
  if (failure) {
    const status = failure.httpStatus !== undefined ? `, HTTP ${failure.httpStatus}` : '';
    details.push(`Error code \`${escapeMrkdwn(truncate(failure.code, 100))}\`${status}`);
  }

  const blocks: KnownBlock[] = [
    section(headline),
    section(
      `*What happened*\n${paragraph(explanation.what)}\n\n*What to do next*\n${paragraph(explanation.next)}`,
    ),
    context(...details),
  ];
  const text = unknown
    ? `Deletion request ${request.id}: outcome unknown`
    : `Deletion request ${request.id}: submission failed`;
  return { text, blocks };
}
