import type { DeletionRequest } from '../domain/request.js';
import type { Change } from '../store/port.js';
import { historyEntry } from '../domain/lifecycle.js';
import type { Submission } from './submission.js';
import type { UseCaseDeps } from './ports.js';

interface GroupPartsDeps extends Pick<UseCaseDeps, 'store' | 'quota' | 'now' | 'log'> {
  submission: Submission;
}

/**
 * The parts of a group (several requests under one approval) follow their lead's decision: each part in
 * its own store change, so after a crash the parts still pending are continued and none is sent twice.
 */
export class GroupParts {
  constructor(private readonly deps: GroupPartsDeps) {}

  /**
   * Applies the lead's decision to the parts still pending, each in its own change; approved parts are
   * reserved against the month's quota. Returns the parts this call moved to `submitting` (only the caller
   * that moved a part submits it, so a concurrent sweep never sends one twice).
   */
  async decide(lead: DeletionRequest, only?: readonly string[]): Promise<DeletionRequest[]> {
    const decision = lead.decision;
    // An expired lead has no decision: its parts expire with it.
    const outcome = lead.status === 'expired' ? 'expired' : decision?.outcome;
    if (!outcome) return [];
    const members = (lead.group?.members ?? []).filter(
      (id) => id !== lead.id && (!only || only.includes(id)),
    );
    const now = this.deps.now();
    const key = this.deps.quota.key(now);
    const moved: DeletionRequest[] = [];
    for (const id of members) {
      const next = await this.deps.store.update(
        id,
        (r): Change<DeletionRequest | undefined> => {
          if (r?.status !== 'pending_approval') return { value: undefined };
          const status =
            outcome === 'approved' ? 'submitting' : outcome === 'expired' ? 'expired' : 'rejected';
          const changed: DeletionRequest = {
            ...r,
            ...(outcome === 'approved' ? { quotaMonth: key.month, unsent: true as const } : {}),
            status,
            ...(decision && outcome !== 'expired' ? { decision } : {}),
            history: [
              ...r.history,
              {
                ...historyEntry(now, outcome, outcome === 'expired' ? undefined : decision?.by),
                facts: { kind: 'with_lead', requestId: lead.id },
              },
            ],
          };
          return { value: changed, request: changed, notices: [{ kind: 'approval_update' }] };
        },
        outcome === 'approved' ? { quota: key } : undefined,
      );
      if (next?.status === 'submitting') moved.push(next);
    }
    return moved;
  }

  /**
   * After a crash: parts still pending whose lead was decided get the lead's decision, and approved ones
   * are sent (they never were).
   */
  async recover(): Promise<void> {
    const waiting = (await this.deps.store.listOpen()).filter(
      (r) => r.status === 'pending_approval' && r.group && r.group.index > 0,
    );
    const byLead = new Map<string, string[]>();
    for (const part of waiting) {
      const lead = part.group?.id ?? '';
      byLead.set(lead, [...(byLead.get(lead) ?? []), part.id]);
    }
    for (const [leadId, partIds] of byLead) {
      const lead = await this.deps.store.get(leadId);
      if (!lead || lead.status === 'pending_approval') continue;
      const parts = await this.decide(lead, partIds);
      for (const part of parts) await this.deps.submission.submit(part);
      this.deps.log.info('group_continued', { request: leadId, parts: partIds.length });
    }
  }
}
