import { todayIn } from '../domain/zoned-time.js';
import { buildPlan, splitIds, type PlanOutcome } from '../domain/plan.js';
import { canTakePlan } from '../domain/quota.js';
import { refuse } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import type { EngagementHistoryClient } from '../liveperson/history/engagement-history-client.js';
import type { MsgHistoryClient } from '../liveperson/history/msg-history-client.js';
import { historyErrorCode, type HistoryErrorCode } from '../liveperson/liveperson-error.js';
import type { Logger } from '../log.js';
import type { Change, RequestStore } from '../store/port.js';
import type { DeletionService, Outcome } from './deletion-service.js';
import { recheckHeldBack, searchPerson, type PersonSearchResult } from './person-search.js';
import type { QuotaService } from './quota-service.js';
import { errorCode } from '../domain/error-code.js';
import { chooseFindings, chosenCount } from '../domain/person-search-rules.js';
import type { Directory } from './ports.js';
import {
  claimSearch,
  findingsOf,
  finishSearch,
  SEARCHES_KEPT,
  settleSearch,
  startSearch,
  type ClaimedSearch,
  type StartedSearch,
} from './person-search-runs.js';

export interface HistoryClients {
  msgHist: MsgHistoryClient;
  /** Only when LP_CHAT_HISTORY=true. */
  engHist?: EngagementHistoryClient;
  /** Records per page (LivePerson's maximum of 100 unless a test wants more pages). */
  pageSize?: number;
  log?: Logger;
}

export interface PersonErasureDeps {
  service: DeletionService;
  quota: QuotaService;
  store: RequestStore;
  /** Who may search a person (approvers, or the requester list when there is one). */
  directory: Pick<Directory, 'approvers' | 'requesters'>;
  history: HistoryClients;
  chatHistory: boolean;
  /** QUOTA_TIMEZONE: "today" for the GDPR date of a person's request. */
  timeZone: string;
  now: () => Date;
  log: Logger;
}

/** What the result view shows: the search, the plan as it starts (nothing of namesakes chosen), the quota. */
export interface PersonSearchView {
  result: PersonSearchResult;
  outcome: PlanOutcome;
  quota: { remaining: number; limit: number };
}

export type PersonSearchOutcome =
  ({ ok: true } & PersonSearchView) | { ok: false; code: HistoryErrorCode | undefined };

/** What the officer chose in the result view. */
export interface PersonChoice {
  token: string;
  userId: string;
  reason: string;
  /** Keyword-only mentions ticked in. */
  ticked: readonly string[];
  /** Consumers ticked in when the search found namesakes (ignored otherwise: the one consumer is filed). */
  consumers: readonly string[];
}

/**
 * Erasing a person: search LivePerson, keep the findings (ids only) in the store until the officer sends
 * them, file every request of the plan under one approval; later, offer held-back conversations once they
 * have closed. The search's life in the store (who, how often, claimed once) is in person-search-runs.ts.
 */
export class PersonErasure {
  constructor(private readonly deps: PersonErasureDeps) {}

  get chatHistory(): boolean {
    return this.deps.chatHistory;
  }

  /**
   * Checks the identifier, who is searching and how often; records the search (its kind, never it). An
   * intake API caller (`apiCaller`) is allowed by its token; the limits apply all the same.
   */
  start(userId: string, identifier: string, apiCaller = false): Promise<Outcome<{ search: StartedSearch }>> {
    return startSearch(this.deps, userId, identifier, apiCaller);
  }

  /** Runs a started search; `onProgress` hears of each period searched. */
  async search(
    started: StartedSearch,
    onProgress?: (progress: { done: number; total: number }) => void,
  ): Promise<PersonSearchOutcome> {
    let result: PersonSearchResult;
    const begun = Date.now();
    try {
      result = await searchPerson(
        { identifier: started.identifier, now: this.deps.now(), chatHistory: this.deps.chatHistory },
        {
          msgHist: this.deps.history.msgHist,
          engHist: this.deps.history.engHist,
          pageSize: this.deps.history.pageSize,
          log: this.deps.history.log,
        },
        onProgress,
      );
      await finishSearch(this.deps.store, started.token, result);
    } catch (error) {
      const code = historyErrorCode(error);
      this.deps.log.warn('person_search_failed', { code: code ?? errorCode(error) });
      await finishSearch(this.deps.store, started.token, undefined).catch(() => undefined);
      return { ok: false, code };
    }
    this.deps.log.info('person_searched', { ms: Date.now() - begun, ...result.counts });
    const report = await this.deps.quota.report();
    const outcome = buildPlan(
      { findings: chooseFindings(findingsOf(result), []), tickedKeywordIds: [] },
      { remaining: report.remaining, resetsAt: report.resetsAt },
    );
    return { ok: true, result, outcome, quota: { remaining: report.remaining, limit: report.limit } };
  }

  /** The search's view never opened: it holds the searcher back no longer. */
  abandon(token: string): Promise<void> {
    return finishSearch(this.deps.store, token, undefined);
  }

  /** Purges expired searches and keeps at most SEARCHES_KEPT (the sweep calls it). */
  purgeSearches(): Promise<number> {
    return this.deps.store.searches.purge(this.deps.now(), SEARCHES_KEPT);
  }

  /**
   * Files the searched person's plan (the consumers chosen, the mentions ticked) under one approval. The
   * search is claimed first, in one change: a second submission files nothing.
   */
  async file(choice: PersonChoice): Promise<Outcome<{ request: DeletionRequest }>> {
    const claim = await claimSearch(this.deps.store, choice.token, choice.userId, this.deps.now());
    if (!claim.ok) return claim;
    let filed: Outcome<{ request: DeletionRequest }>;
    try {
      filed = await this.filePlan(claim.claimed, choice);
    } catch (error) {
      await settleSearch(this.deps.store, choice.token, refuse({ code: 'SEARCH_GONE' })).catch(
        () => undefined,
      );
      throw error;
    }
    await settleSearch(this.deps.store, choice.token, filed.ok ? { requestId: filed.request.id } : filed);
    return filed;
  }

  private async filePlan(
    { kind, findings }: ClaimedSearch,
    choice: PersonChoice,
  ): Promise<Outcome<{ request: DeletionRequest }>> {
    const report = await this.deps.quota.report();
    const outcome = buildPlan(
      { findings: chooseFindings(findings, choice.consumers), tickedKeywordIds: choice.ticked },
      { remaining: report.remaining, resetsAt: report.resetsAt },
    );
    if (!outcome.ok) {
      if (outcome.code === 'quota_short') {
        const verdict = canTakePlan(report, outcome.needed);
        // The plan was short when it was viewed; the month may have changed since: say what it is now.
        return verdict.ok
          ? refuse({ code: 'QUOTA_SHORT', at: 'filing', needed: outcome.needed, quota: report })
          : verdict;
      }
      return refuse({ code: 'NOTHING_TO_DELETE', openHeldBack: outcome.openHeldBack });
    }
    const plan = outcome.plan;
    return this.deps.service.filePlan({
      userId: choice.userId,
      reason: choice.reason,
      subjectKind: kind,
      ...(findings.namesakes
        ? {
            namesakes: {
              matched: findings.consumers.length,
              chosen: chosenCount(findings, choice.consumers),
            },
          }
        : {}),
      subjectRequestedOn: todayIn(this.deps.now(), this.deps.timeZone),
      duplicatesDropped: 0,
      requests: plan.requests.map((r) => ({ type: r.type, ids: r.ids })),
      summary: plan.summary,
      heldBack: plan.heldBack,
    });
  }

  /**
   * For the sweep: held-back conversations of approved plans that have closed since are offered in the
   * lead's thread (once each). Returns how many were found closed.
   */
  async recheckHeldBack(): Promise<number> {
    const leads = new Map<string, DeletionRequest>();
    const months = (await this.deps.store.months()).slice(-2);
    const candidates = [
      ...(await this.deps.store.listOpen()),
      ...(await Promise.all(months.map((m) => this.deps.store.listMonth(m)))).flat(),
    ];
    for (const r of candidates) if (waitingHeldBack(r).length > 0) leads.set(r.id, r);
    let found = 0;
    for (const lead of leads.values()) {
      const check = await recheckHeldBack(waitingHeldBack(lead), this.deps.history.msgHist);
      if (check.closed.length === 0) continue;
      const closed = await this.deps.store.update(lead.id, (r): Change<number> => {
        const waiting = r ? waitingHeldBack(r) : [];
        const now = check.closed.filter((id) => waiting.includes(id));
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
  async fileHeldBack(leadId: string, userId: string): Promise<Outcome<{ request: DeletionRequest }>> {
    const lead = await this.deps.store.get(leadId);
    const offered = lead?.group?.heldBackOffered ?? [];
    const filed = new Set(lead?.group?.heldBackFiled ?? []);
    const toFile = offered.filter((id) => !filed.has(id));
    if (!lead?.group || toFile.length === 0) {
      return refuse({ code: 'ALREADY_FILED', justNow: false });
    }
    const chunks = splitIds(toFile);
    const short = canTakePlan(await this.deps.quota.report(), chunks.length);
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
    const outcome = await this.deps.service.filePlan({
      userId,
      reason: lead.reason,
      ...(lead.subject ? { subject: lead.subject } : {}),
      ...(lead.subjectKind ? { subjectKind: lead.subjectKind } : {}),
      ...(lead.subjectRequestedOn ? { subjectRequestedOn: lead.subjectRequestedOn } : {}),
      duplicatesDropped: 0,
      requests: chunks.map((ids) => ({ type: 'conversation' as const, ids })),
      summary: {
        consumerIds: 0,
        closedConversations: toFile.length,
        openHeldBack: 0,
        chats: 0,
        tickets: 0,
        keywordTicked: 0,
        requests: chunks.length,
      },
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

/** Held-back conversations of an approved plan not yet found closed. */
function waitingHeldBack(request: DeletionRequest): string[] {
  const group = request.group;
  if (!group?.heldBack?.length || group.index !== 0) return [];
  if (request.decision?.outcome !== 'approved') return [];
  const offered = new Set(group.heldBackOffered ?? []);
  return group.heldBack.filter((id) => !offered.has(id));
}
