import { randomBytes } from 'node:crypto';
import { HOUR_MS } from '../domain/durations.js';
import { todayIn } from '../domain/zoned-time.js';
import { buildPlan, splitIds, type PlanOutcome } from '../domain/plan.js';
import { canTakePlan } from '../domain/quota.js';
import { refuse } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import type { EngagementHistoryClient } from '../liveperson/history/engagement-history-client.js';
import { isHistoryError, type HistoryErrorCode } from '../liveperson/history/errors.js';
import type { MsgHistoryClient } from '../liveperson/history/msg-history-client.js';
import type { LpLogger } from '../liveperson/http.js';
import type { Logger } from '../log.js';
import type { Change, RequestStore } from '../store/port.js';
import type { DeletionService, Outcome } from './deletion-service.js';
import { recheckHeldBack } from './person-search.js';
import { searchPerson, type PersonSearchResult } from './person-search.js';
import type { QuotaService } from './quota-service.js';
import { errorCode } from '../domain/error-code.js';

export interface HistoryClients {
  msgHist: MsgHistoryClient;
  /** Only when LP_CHAT_HISTORY=true. */
  engHist?: EngagementHistoryClient;
  /** Records per page (LivePerson's maximum of 100 unless a test wants more pages). */
  pageSize?: number;
  log?: LpLogger;
}

export interface PersonErasureDeps {
  service: DeletionService;
  quota: QuotaService;
  store: RequestStore;
  history: HistoryClients;
  chatHistory: boolean;
  /** QUOTA_TIMEZONE: "today" for the GDPR date of a person's request. */
  timeZone: string;
  now: () => Date;
  log: Logger;
}

/** What the result view shows: the search, the plan without ticked mentions, the month's quota. */
export interface PersonSearchView {
  result: PersonSearchResult;
  outcome: PlanOutcome;
  quota: { remaining: number; limit: number };
}

export type PersonSearchOutcome =
  ({ ok: true } & PersonSearchView) | { ok: false; code: HistoryErrorCode | undefined };

interface Search {
  identifier: string;
  result: PersonSearchResult;
  at: number;
}

/** A search is kept this long for its result view to be sent for approval. */
const SEARCH_TTL_MS = HOUR_MS;
const SEARCHES_KEPT = 200;

/**
 * Erasing a person: search LivePerson, keep the result (ids only) until the officer sends it, file every
 * request of the plan under one approval; later, offer held-back conversations once they have closed.
 *
 * Search results live in this process's memory, keyed by a random token the view carries: the view
 * cannot hold hundreds of ids (3,000 characters of private_metadata), and the identifier never has to
 * travel through Slack again. With several replicas, the view must be sent to the replica that searched;
 * otherwise the officer is asked to search again.
 */
export class PersonErasure {
  private readonly searches = new Map<string, Search>();

  constructor(private readonly deps: PersonErasureDeps) {}

  get chatHistory(): boolean {
    return this.deps.chatHistory;
  }

  /** A token for a search about to start (the searching view carries it). */
  newToken(): string {
    return randomBytes(12).toString('hex');
  }

  async search(token: string, identifier: string): Promise<PersonSearchOutcome> {
    let result: PersonSearchResult;
    const started = Date.now();
    try {
      result = await searchPerson(
        { identifier, now: this.deps.now(), chatHistory: this.deps.chatHistory },
        {
          msgHist: this.deps.history.msgHist,
          engHist: this.deps.history.engHist,
          pageSize: this.deps.history.pageSize,
          log: this.deps.history.log,
        },
      );
    } catch (error) {
      const code = isHistoryError(error) ? error.code : undefined;
      this.deps.log.warn('person_search_failed', { code: code ?? errorCode(error) });
      return { ok: false, code };
    }
    this.remember(token, { identifier, result, at: Date.now() });
    this.deps.log.info('person_searched', { ms: Date.now() - started, ...result.counts });
    return { ok: true, ...(await this.view(result, [])) };
  }

  private remember(token: string, search: Search): void {
    const now = Date.now();
    for (const [key, kept] of this.searches) if (now - kept.at > SEARCH_TTL_MS) this.searches.delete(key);
    while (this.searches.size >= SEARCHES_KEPT) {
      const oldest = this.searches.keys().next().value;
      if (oldest === undefined) break;
      this.searches.delete(oldest);
    }
    this.searches.set(token, search);
  }

  private async view(result: PersonSearchResult, ticked: readonly string[]): Promise<PersonSearchView> {
    const report = await this.deps.quota.report();
    const outcome = buildPlan(
      { findings: result, tickedKeywordIds: ticked },
      { remaining: report.remaining, resetsAt: report.resetsAt },
    );
    return { result, outcome, quota: { remaining: report.remaining, limit: report.limit } };
  }

  /** Files the searched person's plan (with the mentions the officer ticked) under one approval. */
  async file(input: {
    token: string;
    userId: string;
    reason: string;
    ticked: readonly string[];
  }): Promise<Outcome<{ request: DeletionRequest }>> {
    const search = this.searches.get(input.token);
    if (!search || Date.now() - search.at > SEARCH_TTL_MS) {
      return refuse({ code: 'SEARCH_GONE' });
    }
    const { outcome } = await this.view(search.result, input.ticked);
    if (!outcome.ok) {
      if (outcome.code === 'quota_short') {
        const report = await this.deps.quota.report();
        const verdict = canTakePlan(report, outcome.needed);
        // The plan was short when it was viewed; the month may have changed since: say what it is now.
        return verdict.ok
          ? refuse({ code: 'QUOTA_SHORT', at: 'filing', needed: outcome.needed, quota: report })
          : verdict;
      }
      return refuse({ code: 'NOTHING_TO_DELETE', openHeldBack: outcome.openHeldBack });
    }
    const plan = outcome.plan;
    const filed = await this.deps.service.filePlan({
      userId: input.userId,
      reason: input.reason,
      subject: search.identifier,
      subjectRequestedOn: todayIn(this.deps.now(), this.deps.timeZone),
      duplicatesDropped: 0,
      requests: plan.requests.map((r) => ({ type: r.type, ids: r.ids })),
      summary: plan.summary,
      heldBack: plan.heldBack,
    });
    if (filed.ok) this.searches.delete(input.token);
    return filed;
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
