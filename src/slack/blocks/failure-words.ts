/**
 * The words for why a submission failed or may not have reached LivePerson, chosen when its notice is
 * delivered from the facts the service stored (or, for a notice an earlier version saved with its words,
 * those words as stored). Pure.
 */
import { isWorded, type RequestNotice, type SubmissionFailure } from '../../domain/notices.js';
import { describeFailureFacts } from '../../liveperson/errors.js';

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
        next: afterInterruption(failure.candidates),
      };
    default:
      return describeFailureFacts(failure);
  }
}

/** What to check after an interruption, given LivePerson's unclaimed requests from around that time. */
function afterInterruption(candidates: readonly string[] | null): string {
  if (candidates === null) {
    return `lp-delete could not reach LivePerson to check; it will look again later. ${CHECK_LIST} before filing it again; do not file it twice.`;
  }
  if (candidates.length > 1) {
    return `LivePerson has ${candidates.length} requests from around that time (${candidates.join(', ')}); check which one is this before filing it again.`;
  }
  return 'LivePerson’s list shows no request from that time, but check it (`npm run lp -- list`) before filing it again; do not file it twice.';
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
