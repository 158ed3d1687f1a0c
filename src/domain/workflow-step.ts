import type { DeletionRequest, StepOutcome } from './request.js';

/**
 * The Workflow Builder step "Erase a person in LivePerson" (function `lp_erase_person`): what lp-delete
 * keeps about the step on the request it filed, and what the step's outputs say once the approval is
 * decided. Pure: the words (the receipt text, the refusal sentences) are chosen in slack/blocks. The
 * record kept on the request is `workflowStepSchema` in request.ts.
 */

/** What the step reports, before it is put into outputs (slack/blocks/workflow-step-words.ts). */
export interface StepFacts {
  outcome: StepOutcome;
  /** lp-delete's ids (`DR-…`) of the requests the step filed (every part of the plan). */
  requestIds: string[];
  /** LivePerson's request ids of the parts LivePerson accepted. */
  lpRequestIds: string[];
  /** Conversations and chats in the requests LivePerson accepted. */
  conversations: number;
  /** Open conversations left out of the plan (LivePerson deletes closed ones only). */
  heldBack: number;
  /** Who approved or rejected; absent when nobody decided. */
  approver?: string;
  /** For the receipt: the case reference, the data subject's date, when the requests were filed. */
  caseRef?: string;
  subjectRequestedOn?: string;
  /** `yyyy-mm-dd` (UTC) of the decision; for nothing_found, of the search. */
  decidedOn?: string;
  /** Set when the approval expired undecided (outcome `failed`). */
  expired?: boolean;
}

/** Statuses after which a part's fate at LivePerson is known (outcome_unknown still waits for it). */
const SETTLED: ReadonlySet<DeletionRequest['status']> = new Set([
  'submitted',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]);
const ACCEPTED: ReadonlySet<DeletionRequest['status']> = new Set(['submitted', 'cancelled']);

/**
 * The step's facts once the lead's decision has played out on every part: undefined while anything is
 * still pending, being sent, or of unknown outcome (the sweep reconciles those with LivePerson's list,
 * and the step is completed then). `parts` are the group's other members (empty for a single request).
 */
export function stepFacts(lead: DeletionRequest, parts: readonly DeletionRequest[]): StepFacts | undefined {
  const all = [lead, ...parts];
  if (lead.group?.members && lead.group.members.length !== all.length) return undefined;
  if (!all.every((r) => SETTLED.has(r.status))) return undefined;
  const decidedOn = (lead.decision?.at ?? lead.createdAt).slice(0, 10);
  const common = {
    requestIds: all.map((r) => r.id),
    caseRef: lead.reason,
    decidedOn,
    ...(lead.subjectRequestedOn ? { subjectRequestedOn: lead.subjectRequestedOn } : {}),
    ...(lead.decision ? { approver: lead.decision.by } : {}),
  };
  if (lead.status === 'expired' || lead.decision === undefined) {
    return { ...common, outcome: 'failed', lpRequestIds: [], conversations: 0, heldBack: 0, expired: true };
  }
  if (lead.decision.outcome === 'rejected') {
    return { ...common, outcome: 'rejected', lpRequestIds: [], conversations: 0, heldBack: 0 };
  }
  const accepted = all.filter((r) => ACCEPTED.has(r.status));
  return {
    ...common,
    outcome: accepted.length === all.length ? 'filed' : 'failed',
    lpRequestIds: accepted.flatMap((r) => (r.lpRecord ? [r.lpRecord.requestId] : [])),
    conversations: accepted
      .filter((r) => r.type === 'conversation' || r.type === 'engagement')
      .reduce((sum, r) => sum + r.ids.length, 0),
    heldBack: lead.group?.heldBack?.length ?? 0,
  };
}
