import type { PlanRefusal, PlanSummary, PlannedRequest } from '../../domain/plan.js';
import type { DeletionRequest } from '../../domain/request.js';
import { DELETION_TYPE_LABELS, type DeletionType } from '../../domain/types.js';
import { plural, slackDate } from '../format.js';

/** What a person's plan (or a group of requests) becomes, in one line, and why a plan was refused. Pure. */

/** "1 consumer id, 12 closed conversations (2 open held back) → 2 LivePerson requests" */
export function planSummaryLine(summary: PlanSummary): string {
  const parts: string[] = [];
  if (summary.consumerIds > 0) parts.push(plural(summary.consumerIds, 'consumer id'));
  if (summary.closedConversations > 0 || summary.openHeldBack > 0) {
    const held = summary.openHeldBack > 0 ? ` (${summary.openHeldBack} open held back)` : '';
    parts.push(`${plural(summary.closedConversations, 'closed conversation')}${held}`);
  }
  if (summary.chats > 0) parts.push(plural(summary.chats, 'chat'));
  if (summary.tickets > 0) parts.push(plural(summary.tickets, 'ticket'));
  const found = parts.length > 0 ? parts.join(', ') : 'nothing to delete';
  return `${found} → ${plural(summary.requests, 'LivePerson request')}`;
}

/**
 * One line for a group: the plan line when it came from a person's search (or held-back conversations,
 * which are known closed); for ids typed into the form, only their type and count ("closed" would be a guess).
 */
export function groupSummaryLine(
  lead: Pick<DeletionRequest, 'type' | 'group' | 'subject' | 'subjectKind'>,
): string | undefined {
  const summary = lead.group?.summary;
  if (!summary) return undefined;
  const person = lead.subject !== undefined || lead.subjectKind !== undefined;
  if (person || lead.group?.heldBackFrom !== undefined) return planSummaryLine(summary);
  const ids = summary.consumerIds + summary.closedConversations + summary.chats + summary.tickets;
  return `${DELETION_TYPE_LABELS[lead.type]} · ${plural(ids, 'id')} in ${plural(summary.requests, 'LivePerson request')}`;
}

/** "• Consumer: 1 request (1 id)" per type, in the plan's order. */
export function requestsByType(requests: readonly PlannedRequest[]): string[] {
  const types: DeletionType[] = [];
  for (const request of requests) if (!types.includes(request.type)) types.push(request.type);
  return types.map((type) => {
    const ofType = requests.filter((r) => r.type === type);
    const ids = ofType.reduce((sum, r) => sum + r.ids.length, 0);
    return `• ${DELETION_TYPE_LABELS[type]}: ${plural(ofType.length, 'request')} (${plural(ids, 'id')})`;
  });
}

export function planRefusalText(refusal: PlanRefusal): string {
  switch (refusal.code) {
    case 'quota_short': {
      const resets = refusal.resetsAt ? `on ${slackDate(refusal.resetsAt)}` : 'on the 1st of next month';
      return (
        `:no_entry: *This needs ${plural(refusal.needed, 'LivePerson request')}, but only ${refusal.remaining} ` +
        `${refusal.remaining === 1 ? 'is' : 'are'} left this month.* Nothing was filed. The quota resets ${resets}; ` +
        'search again then, or ask a LivePerson admin to raise the monthly limit.'
      );
    }
    case 'nothing_to_delete':
      return refusal.openHeldBack > 0
        ? `*Nothing can be deleted yet:* ${plural(refusal.openHeldBack, 'conversation')} found ` +
            `${refusal.openHeldBack === 1 ? 'is' : 'are'} still open, and LivePerson deletes closed ones only. ` +
            'Search again once the person’s conversations have closed.'
        : '*Nothing to delete:* LivePerson has nothing under this identifier in the last 13 months. ' +
            'Check the spelling, or try the person’s consumer id or another email address.';
  }
}
