import { refuse, type Refusal, type RefusalFacts } from '../domain/outcome.js';
import { canTakePlan } from '../domain/quota.js';
import { StoreError } from '../store/errors.js';
import type { QuotaReport } from './quota-service.js';

/*
 * The service layer's own refusals (the domain's rules return theirs from domain/): one definition each,
 * shared by the deletion and lifecycle services. Codes and facts only; src/slack/blocks says them.
 */

/**
 * No such request. With `ref`, what the person typed (status, cancel); without, a click on a message whose
 * request is gone.
 */
export function notFound(ref?: string): Refusal<'NOT_FOUND'> {
  return refuse({ code: 'NOT_FOUND', ...(ref === undefined ? {} : { ref }) });
}

/** A write that failed (disk full, …) is never reported as saved: the person hears it at once. */
export function notSaved(
  error: unknown,
  action: Extract<RefusalFacts, { code: 'NOT_SAVED' }>['action'],
): Refusal<'NOT_SAVED'> {
  if (error instanceof StoreError && error.code !== 'STORE_UNREADABLE')
    return refuse({ code: 'NOT_SAVED', action });
  throw error;
}

/** Someone who is neither the requester nor an approver: nothing about the request, not even whose it is. */
export function notYours(ref: string): Refusal<'NOT_YOURS'> {
  return refuse({ code: 'NOT_YOURS', ref, asked: 'see' });
}

/** A plan short of quota at filing, worded as the month is now (spent, or a number left). */
export function quotaShort(quota: QuotaReport, needed: number): Refusal {
  const verdict = canTakePlan(quota, needed);
  return verdict.ok ? refuse({ code: 'QUOTA_SHORT', at: 'filing', needed, quota }) : verdict;
}
