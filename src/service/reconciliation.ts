import { DAY_MS, utcDate } from '../domain/durations.js';
import { errorCode } from '../domain/error-code.js';
import type { HistoryFacts } from '../domain/history-facts.js';
import type { ReconcileCheck, SubmissionFailure } from '../domain/notices.js';
import { matchUnsure, type AttemptWindow } from '../domain/reconcile-match.js';
import type { DeletionRequest } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { LP_CLOCK_ACCURACY_MS } from '../liveperson/lp-clock.js';
import { historyEntry } from '../domain/lifecycle.js';
import { outcomeNotices } from './outcome-notices.js';
import type { UseCaseDeps } from './ports.js';

/** Failures after which LivePerson may hold the request: reconciled with its list. */
const UNSURE_CODES = ['INTERRUPTED', 'LP_OUTCOME_UNKNOWN', 'UNEXPECTED'];
/** Unknown outcomes are looked up again for this long; after that a person must check. */
const RECONCILE_MAX_AGE_MS = 30 * DAY_MS;

export interface ReconciliationDeps extends Pick<UseCaseDeps, 'store' | 'lp' | 'now' | 'log'> {
  /** Saves LivePerson's record as the request's (Submission.completed: forward only). */
  complete: (id: string, record: LpRecord, facts: HistoryFacts) => Promise<DeletionRequest>;
  /** LivePerson ids this process holds for requests whose save waits for the store. */
  claimedHere: () => ReadonlySet<string>;
}

/**
 * Finding out what became of creates whose answer was lost (a timeout, a crash, a dropped connection),
 * from LivePerson's list. Runs under the create lock (Submission.recover), so no create of ours is under
 * way while it looks; the matching rules are in domain/reconcile-match.ts. Anything less than certain
 * stays `outcome_unknown`, and the thread is told exactly what to compare in LivePerson's list.
 */
export class Reconciliation {
  constructor(private readonly deps: ReconciliationDeps) {}

  /**
   * Reconciles what can be; returns requests approved but provably never sent (no attempt was saved),
   * which the caller sends. `skip`: requests this process is sending or still saving.
   */
  async run(skip: ReadonlySet<string>): Promise<{ unsent: DeletionRequest[] }> {
    const { store } = this.deps;
    const orphans = (await store.orphanedSubmissions()).filter((r) => !skip.has(r.id));
    const open = await store.listOpen();
    const started = this.deps.now().getTime();
    const unsent = orphans.filter((r) => !r.attempt && r.unsent);
    const unsure = [
      ...orphans.filter((r) => r.attempt || !r.unsent),
      ...open.filter(
        (r) =>
          r.status === 'outcome_unknown' &&
          !skip.has(r.id) &&
          UNSURE_CODES.includes(r.failure?.code ?? '') &&
          started - Date.parse(r.createdAt) < RECONCILE_MAX_AGE_MS,
      ),
    ];
    if (unsure.length === 0) return { unsent };
    const earliest = Math.min(...unsure.map(startOf));
    let records: LpRecord[] | undefined;
    try {
      records = await this.deps.lp.list({
        fromDate: utcDate(earliest - DAY_MS),
        toDate: utcDate(this.deps.now().getTime() + DAY_MS),
      });
    } catch (error) {
      this.deps.log.warn('reconcile_unavailable', { code: errorCode(error) });
    }
    const results = records ? await this.match(records, open, unsure, skip) : undefined;
    for (const request of unsure) {
      const result = results?.get(request.id);
      try {
        if (result?.match) await this.completedFromList(request, result.match);
        else await this.interrupted(request, result?.candidates ?? null, result?.check);
      } catch (error) {
        this.deps.log.warn('reconcile_failed', { request: request.id, code: errorCode(error) });
      }
    }
    return { unsent };
  }

  private async match(
    records: LpRecord[],
    open: DeletionRequest[],
    unsure: DeletionRequest[],
    skip: ReadonlySet<string>,
  ) {
    const clock = this.deps.lp.lpClock?.();
    const offsetMs = clock?.offsetMs ?? 0;
    const lpNow = clock?.lpNow?.getTime() ?? this.deps.now().getTime();
    // On LivePerson's clock: as measured when the attempt was sent, else by today's offset.
    const lpStart = (r: DeletionRequest) =>
      r.attempt?.lpStartedAt
        ? Date.parse(r.attempt.lpStartedAt)
        : r.attempt
          ? Date.parse(r.attempt.startedAt) + (r.attempt.lpOffsetMs ?? offsetMs)
          : NaN;
    // Every attempt of ours still open, in the order they were sent (one at a time: the create lock).
    const byId = new Map([...open, ...unsure].map((r) => [r.id, r]));
    const line = [...byId.values()].filter((r) => r.attempt).sort((a, b) => lpStart(a) - lpStart(b));
    const unsureIds = new Set(unsure.map((r) => r.id));
    const windows: AttemptWindow[] = [];
    line.forEach((r, i) => {
      const next = line[i + 1];
      const fromMs = lpStart(r);
      const toMs = next ? lpStart(next) : lpNow;
      const open = unsureIds.has(r.id) || r.status === 'submitting';
      if (open) windows.push({ id: r.id, fromMs, toMs, unsure: unsureIds.has(r.id) && !skip.has(r.id) });
    });
    // Saved by an earlier version, without an attempt: never matched, but its window is still compared.
    for (const r of unsure) {
      if (!r.attempt) windows.push({ id: r.id, fromMs: startOf(r) + offsetMs, toMs: lpNow, unsure: true });
    }
    const claimed = new Set(this.deps.claimedHere());
    for (const record of records) {
      if (!claimed.has(record.requestId) && (await this.deps.store.findByLpRequestId(record.requestId))) {
        claimed.add(record.requestId);
      }
    }
    const results = matchUnsure({
      windows,
      records,
      claimed,
      requestedBy: ourRequestedBy(open) ?? (await this.requestedByInRecentMonths()),
      marginMs: LP_CLOCK_ACCURACY_MS,
    });
    const out = new Map<string, ReturnType<typeof results.get>>();
    for (const r of unsure) {
      const result = results.get(r.id);
      out.set(r.id, r.attempt ? result : result && noMatch(result));
    }
    return out;
  }

  /** `requested_by` from the two latest months' requests, when no open request shows it. */
  private async requestedByInRecentMonths(): Promise<string | undefined> {
    const months = (await this.deps.store.months()).slice(-2).reverse();
    for (const month of months) {
      const found = ourRequestedBy(await this.deps.store.listMonth(month));
      if (found) return found;
    }
    return undefined;
  }

  private async completedFromList(request: DeletionRequest, record: LpRecord): Promise<void> {
    await this.deps.complete(request.id, record, {
      kind: 'lp_request',
      requestId: record.requestId,
      afterInterruption: true,
    });
    this.deps.log.info('submission_reconciled', { request: request.id, lpRequestId: record.requestId });
  }

  /** No provable match: a request left `submitting` becomes `outcome_unknown`, told what to compare. */
  private async interrupted(
    request: DeletionRequest,
    candidates: string[] | null,
    check: ReconcileCheck | undefined,
  ): Promise<void> {
    // A request already posted as unknown (after a timeout or an earlier restart) has nothing new to say.
    if (request.status !== 'submitting') return;
    const facts: SubmissionFailure = { code: 'INTERRUPTED', candidates, ...(check ? { check } : {}) };
    const now = this.deps.now();
    await this.deps.store.update(request.id, (r) => {
      // Forward only: a request completed or failed meanwhile is left as it is.
      if (r?.status !== 'submitting') return { value: undefined };
      const next: DeletionRequest = {
        ...r,
        status: 'outcome_unknown',
        failure: { code: 'INTERRUPTED' },
        history: [...r.history, historyEntry(now, 'outcome_unknown', undefined, 'interrupted')],
      };
      return { value: undefined, request: next, notices: r.origin === 'cli' ? [] : outcomeNotices(facts) };
    });
    this.deps.log.warn('submission_interrupted', {
      request: request.id,
      candidates: candidates?.length ?? 0,
    });
  }
}

function noMatch<T extends { match?: LpRecord }>(result: T): T {
  const { match: _match, ...rest } = result;
  return rest as T;
}

/** When the request's sending started (its attempt), or its approval for one saved without an attempt. */
function startOf(r: DeletionRequest): number {
  return Date.parse(r.attempt?.startedAt ?? r.decision?.at ?? r.createdAt);
}

/** `requested_by` as LivePerson answered our own latest create (undefined before the first). */
function ourRequestedBy(requests: readonly DeletionRequest[]): string | undefined {
  const ours = requests
    .filter((r) => r.lpRecord?.requestedBy && (r.attempt || r.origin === 'cli'))
    .sort((a, b) => startOf(b) - startOf(a));
  return ours[0]?.lpRecord?.requestedBy ?? undefined;
}
