import { todayIn } from '../domain/zoned-time.js';
import { buildPlan, type PlanOutcome } from '../domain/plan.js';
import { refuse, type Outcome } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import { historyErrorCode, type HistoryErrorCode } from '../liveperson/liveperson-error.js';
import { planInput, type Filing } from './filing.js';
import { quotaShort } from './refusals.js';
import { searchPerson, type PersonSearchClients } from './person-search.js';
import type { PersonSearchResult } from './person-search-result.js';
import { errorCode } from '../domain/error-code.js';
import { chooseFindings, chosenCount } from '../domain/person-search-rules.js';
import type { UseCaseDeps } from './ports.js';
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

export interface PersonErasureDeps extends Pick<UseCaseDeps, 'quota' | 'store' | 'now' | 'log'> {
  filing: Filing;
  /** Who may search a person (approvers, or the requester list when there is one). */
  directory: UseCaseDeps['directory'];
  history: PersonSearchClients;
  chatHistory: boolean;
  /** QUOTA_TIMEZONE: "today" for the GDPR date of a person's request. */
  timeZone: string;
}

/** What the result view shows: the search, the plan as it starts (nothing of namesakes chosen), the quota. */
interface PersonSearchView {
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
 * them, file every request of the plan under one approval (held-back conversations: held-back.ts). The
 * search's life in the store (who, how often, claimed once) is in person-search-runs.ts.
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
    const begun = this.deps.now().getTime();
    try {
      result = await searchPerson(
        { identifier: started.identifier, now: this.deps.now(), chatHistory: this.deps.chatHistory },
        this.deps.history,
        onProgress,
      );
      await finishSearch(this.deps.store, started.token, result);
    } catch (error) {
      const code = historyErrorCode(error);
      this.deps.log.warn('person_search_failed', { code: code ?? errorCode(error) });
      await finishSearch(this.deps.store, started.token, undefined).catch(() => undefined);
      return { ok: false, code };
    }
    this.deps.log.info('person_searched', { ms: this.deps.now().getTime() - begun, ...result.counts });
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
      // The plan was short when it was viewed; the month may have changed since: say what it is now.
      if (outcome.code === 'quota_short') return quotaShort(report, outcome.needed);
      return refuse({ code: 'NOTHING_TO_DELETE', openHeldBack: outcome.openHeldBack });
    }
    return this.deps.filing.filePlan({
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
      ...planInput(outcome.plan),
    });
  }
}
