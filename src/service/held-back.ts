import { planRequests } from '../domain/plan.js';
import { canTakePlan } from '../domain/quota.js';
import { refuse, type Outcome } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import type { MsgHistoryClient } from '../liveperson/history/msg-history-client.js';
import { MSG_HIST_MAX_IDS } from '../liveperson/limits.js';
import type { ConversationStatus } from '../liveperson/history/schemas.js';
import type { Change, RequestStore } from '../store/port.js';
import { planInput, type Filing } from './filing.js';
import type { UseCaseDeps } from './ports.js';

export interface HeldBackDeps extends Pick<UseCaseDeps, 'store' | 'quota' | 'log'> {
  filing: Filing;
  msgHist: Pick<MsgHistoryClient, 'conversationsByIds'>;
}

/**
 * Erasing a person leaves open conversations out of the plan ("held back"): the sweep offers them in the
 * lead's thread once they have closed, and a click files them under a new four-eyes approval.
 */
export class HeldBack {
  constructor(private readonly deps: HeldBackDeps) {}

  /**
   * For the sweep: held-back conversations of approved plans that have closed since are offered in the
   * lead's thread (once each). Returns how many were found closed.
   */
  async recheck(): Promise<number> {
    const leads = new Map<string, DeletionRequest>();
    for (const r of await recentRequests(this.deps.store))
      if (waitingHeldBack(r).length > 0) leads.set(r.id, r);
    let found = 0;
    for (const lead of leads.values()) {
      const closedIds = await closedSince(waitingHeldBack(lead), this.deps.msgHist);
      if (closedIds.length === 0) continue;
      const closed = await this.deps.store.update(lead.id, (r): Change<number> => {
        const waiting = r ? waitingHeldBack(r) : [];
        const now = closedIds.filter((id) => waiting.includes(id));
        if (!r?.group || now.length === 0) return { value: 0 };
        const next: DeletionRequest = {
          ...r,
          group: { ...r.group, heldBackOffered: [...(r.group.heldBackOffered ?? []), ...now] },
        };
        return {
          value: now.length,
          request: next,
          notices: [{ kind: 'held_back_closed', conversationIds: now }],
        };
      });
      found += closed;
      if (closed > 0) this.deps.log.info('held_back_closed', { request: lead.id, count: closed });
    }
    return found;
  }

  /**
   * The thread's button: files the held-back conversations that have closed as a new group under a new
   * four-eyes approval. Filed by the person who clicks (not the original requester): they act now, the
   * original requester may be away, and four eyes still hold, since the clicker cannot approve it.
   * Claimed on the lead in one change, so two clicks file once.
   */
  async file(leadId: string, userId: string): Promise<Outcome<{ request: DeletionRequest }>> {
    const lead = await this.deps.store.get(leadId);
    const offered = lead?.group?.heldBackOffered ?? [];
    const filed = new Set(lead?.group?.heldBackFiled ?? []);
    const toFile = offered.filter((id) => !filed.has(id));
    if (!lead?.group || toFile.length === 0) {
      return refuse({ code: 'ALREADY_FILED', justNow: false });
    }
    // The conversations were closed when offered: they plan as closed conversations, 100 to a request.
    const plan = planRequests({ ids: { conversation: toFile } });
    const short = canTakePlan(await this.deps.quota.report(), plan.requests.length);
    if (!short.ok) return short;
    const claimed = await this.deps.store.update(lead.id, (r): Change<boolean> => {
      const already = new Set(r?.group?.heldBackFiled ?? []);
      if (!r?.group || toFile.some((id) => already.has(id))) return { value: false };
      const next: DeletionRequest = {
        ...r,
        group: { ...r.group, heldBackFiled: [...already, ...toFile] },
      };
      return { value: true, request: next };
    });
    if (!claimed) {
      return refuse({ code: 'ALREADY_FILED', justNow: true });
    }
    const outcome = await this.deps.filing.filePlan({
      userId,
      reason: lead.reason,
      ...(lead.subject ? { subject: lead.subject } : {}),
      ...(lead.subjectKind ? { subjectKind: lead.subjectKind } : {}),
      ...(lead.subjectRequestedOn ? { subjectRequestedOn: lead.subjectRequestedOn } : {}),
      ...planInput(plan),
      heldBackFrom: lead.id,
    });
    if (!outcome.ok) {
      // Nothing was filed: give the conversations back so the button works again.
      await this.deps.store.update(lead.id, (r): Change<undefined> => {
        if (!r?.group) return { value: undefined };
        const back = (r.group.heldBackFiled ?? []).filter((id) => !toFile.includes(id));
        return { value: undefined, request: { ...r, group: { ...r.group, heldBackFiled: back } } };
      });
    }
    return outcome;
  }
}

/** For the sweeps: the open requests, then those of the last two months (a request may be in both). */
export async function recentRequests(store: RequestStore): Promise<DeletionRequest[]> {
  const months = (await store.months()).slice(-2);
  return [...(await store.listOpen()), ...(await Promise.all(months.map((m) => store.listMonth(m)))).flat()];
}

/** Held-back conversations of an approved plan not yet found closed. */
function waitingHeldBack(request: DeletionRequest): string[] {
  const group = request.group;
  if (!group?.heldBack?.length || group.index !== 0) return [];
  if (request.decision?.outcome !== 'approved') return [];
  const offered = new Set(group.heldBackOffered ?? []);
  return group.heldBack.filter((id) => !offered.has(id));
}

/** For the sweep: which held-back conversations have closed since, by id (1b, 100 ids per call). */
export async function closedSince(
  conversationIds: readonly string[],
  msgHist: Pick<MsgHistoryClient, 'conversationsByIds'>,
): Promise<string[]> {
  const status = new Map<string, ConversationStatus>();
  for (let i = 0; i < conversationIds.length; i += MSG_HIST_MAX_IDS) {
    const page = await msgHist.conversationsByIds(conversationIds.slice(i, i + MSG_HIST_MAX_IDS));
    for (const record of page.records) status.set(record.conversationId, record.status);
  }
  return conversationIds.filter((id) => status.get(id) === 'CLOSE');
}
