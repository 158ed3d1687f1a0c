import type { Refusal } from '../domain/outcome.js';
import { StoreError } from '../store/errors.js';

/*
 * The service layer's own refusals (the domain's rules return theirs from domain/): one definition each,
 * shared by the deletion and lifecycle services.
 */

/**
 * No such request. With `ref`, what the person typed (status, cancel): the answer names it and where to find
 * a valid one; without, a click on a message whose request is gone.
 */
export function notFound(ref?: string): Refusal {
  return {
    ok: false,
    code: 'NOT_FOUND',
    message:
      ref === undefined
        ? 'lp-delete has no record of this request. Check the request number (DR-…) in the approval message.'
        : `lp-delete has no request "${shown(ref)}". Give its DR-… id (from the approval message) or LivePerson's ` +
          'request number (from the record in the thread).',
  };
}

/** A write that failed (disk full, …) is never reported as saved: the person hears it at once. */
export function notSaved(error: unknown, what: string): Refusal {
  if (error instanceof StoreError && error.code !== 'STORE_UNREADABLE') {
    return {
      ok: false,
      code: 'NOT_SAVED',
      message: `${what}: lp-delete could not save it (its data storage is failing). Try again in a few minutes; if it keeps failing, tell the lp-delete admins (npm run doctor shows the cause).`,
    };
  }
  throw error;
}

/** Someone who is neither the requester nor an approver: nothing about the request, not even whose it is. */
export function notYours(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_YOURS',
    message:
      `"${shown(ref)}" is not yours to see: a deletion request's details are shown only to the person who filed ` +
      'it and to the approvers. Nothing was looked up. If you need its status, ask one of the approvers in the ' +
      'privacy channel.',
  };
}

/** A LivePerson request id lp-delete did not file: only approvers may look those up. */
export function onlyApproversLookUp(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_YOURS',
    message:
      `lp-delete did not file a request "${shown(ref)}", and only approvers may look up LivePerson requests made ` +
      'elsewhere. Nothing was looked up. For a request you filed, give its DR-… id; otherwise ask an approver.',
  };
}

/** Someone who is neither the requester nor an approver asked to cancel: nothing was done. */
export function notAllowedToCancel(ref: string): Refusal {
  return {
    ok: false,
    code: 'NOT_ALLOWED',
    message:
      `Only the requester of a deletion request or an approver can cancel it, and "${shown(ref)}" is not ` +
      'yours: nothing was done. If it must be cancelled, ask one of the approvers in the privacy channel.',
  };
}

/** What the person typed, quoted back: short, and without characters Slack would format. */
export function shown(ref: string): string {
  return ref
    .trim()
    .slice(0, 40)
    .replace(/[<>&`*_~]/g, '');
}
