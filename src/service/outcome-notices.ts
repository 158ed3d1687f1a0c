import type { RequestNotice, SubmissionFailure } from '../domain/notices.js';

/** The record (or what went wrong) in the thread, the approval message re-rendered, the requester told. */
export function outcomeNotices(failure?: SubmissionFailure): RequestNotice[] {
  return [
    failure ? { kind: 'failure_post', failure } : { kind: 'record_post' },
    { kind: 'approval_update' },
    failure ? { kind: 'requester_outcome', failure } : { kind: 'requester_outcome' },
  ];
}
