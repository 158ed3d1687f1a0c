import pRetry from 'p-retry';
import { settledWithin } from './periodic.js';
import type { HistoryFacts } from '../domain/history-facts.js';
import type { SubmissionFailure } from '../domain/notices.js';
import type { DeletionRequest, Failure } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { failureFacts } from '../liveperson/describe-for-people.js';
import { LivePersonError } from '../liveperson/liveperson-error.js';
import { StoreError } from '../store/errors.js';
import { CreateGate } from './create-gate.js';
import { PendingSaves } from './pending-saves.js';
import { Reconciliation } from './reconciliation.js';
import { outcomeNotices } from './outcome-notices.js';
import { historyEntry } from '../domain/lifecycle.js';
import { errorCode } from '../domain/error-code.js';
import type { UseCaseDeps } from './ports.js';

export interface SubmissionDeps extends Pick<UseCaseDeps, 'store' | 'lp' | 'now' | 'log'> {
  /** The LivePerson account creates are serialised for (one in flight at a time). */
  accountId: string;
  /** Back-off of an outcome the store could not save yet (tests shorten it). */
  saveBackoff?: { minMs: number; maxMs: number };
}

/**
 * Sending an approved request to LivePerson, and finding out what happened to one whose sending was cut
 * off. `submitting` is saved before anything else, then the attempt (under the account's create lock,
 * right before the call), so a crash never leads to a silent second submission: such a request is looked
 * up in LivePerson's list (reconciliation.ts), never re-sent. Status changes only go forward: a late
 * failure never overwrites `submitted`.
 */
export class Submission {
  /** Submissions under way: shutdown waits for them so none is cut between LivePerson and the store. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Requests this process is sending right now: never reconciled by it. */
  private readonly sending = new Set<string>();
  /** LivePerson's records of accepted creates whose save waits for the store (request id → record). */
  private readonly unsaved = new Map<string, LpRecord>();
  private readonly gate: CreateGate;
  private readonly saves: PendingSaves;
  private readonly reconciliation: Reconciliation;
  private readonly stopped = new AbortController();

  constructor(private readonly deps: SubmissionDeps) {
    this.gate = new CreateGate(deps.store, deps.accountId);
    this.saves = new PendingSaves(deps.log, deps.saveBackoff);
    this.reconciliation = new Reconciliation({
      ...deps,
      complete: (id, record, facts) => this.completed(id, record, facts),
      claimedHere: () => new Set([...this.unsaved.values()].map((r) => r.requestId)),
    });
  }

  /** Accepted creates waiting for the store to take them (`/readyz` is 503 while any waits). */
  unsavedCount(): number {
    return this.saves.count();
  }

  async idle(timeoutMs: number): Promise<boolean> {
    const result = await settledWithin([...this.inFlight, this.saves.settled()], timeoutMs);
    if (!result) {
      // Shutdown gives up waiting: unsent requests stay `submitting` without an attempt, unsaved
      // outcomes are found in LivePerson's list at the next start.
      this.stopped.abort();
      this.gate.stop();
      this.saves.stop();
    }
    return result;
  }

  /** Calls LivePerson for a request already saved as `submitting`, and saves what it answered. */
  submit(request: DeletionRequest): Promise<DeletionRequest> {
    this.sending.add(request.id);
    const work = this.gate
      .run(() => this.send(request))
      .catch((error: unknown) => {
        this.deps.log.warn('submission_not_sent', { request: request.id, code: errorCode(error) });
        return request;
      })
      .finally(() => this.sending.delete(request.id));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Holding the create lock: saves the attempt, calls LivePerson once, saves (or keeps) the outcome. */
  private async send(request: DeletionRequest): Promise<DeletionRequest> {
    const marked = await this.markAttempt(request.id);
    if (!marked) return (await this.deps.store.get(request.id)) ?? request;
    let record: LpRecord;
    const started = Date.now();
    try {
      record = await this.deps.lp.create(marked.type, marked.ids);
    } catch (error) {
      return this.failed(marked, error);
    }
    this.unsaved.set(request.id, record);
    const saved = await this.saves.save(request.id, async () => {
      const done = await this.completed(request.id, record, {
        kind: 'lp_request',
        requestId: record.requestId,
      });
      this.unsaved.delete(request.id);
      return done;
    });
    this.deps.log.info('request_submitted', {
      request: request.id,
      lpRequestId: record.requestId,
      ms: Date.now() - started,
      saved: saved !== undefined,
    });
    return saved ?? { ...marked, status: 'submitted', lpRecord: record };
  }

  /**
   * Saves that a create is about to be sent, with LivePerson's clock offset. Only a request still
   * `submitting` without an attempt is sent: anything else was decided elsewhere (undefined). A store
   * that refuses writes is waited for (nothing was sent yet, so waiting is safe).
   */
  private async markAttempt(id: string): Promise<DeletionRequest | undefined> {
    const write = () =>
      this.deps.store.update(id, (r) => {
        if (r?.status !== 'submitting' || r.attempt) return { value: undefined };
        const clock = this.deps.lp.lpClock?.();
        const { unsent: _sent, ...rest } = r;
        const next: DeletionRequest = {
          ...rest,
          attempt: {
            startedAt: this.deps.now().toISOString(),
            by: this.deps.store.replicaId,
            ...(clock?.lpNow ? { lpOffsetMs: clock.offsetMs, lpStartedAt: clock.lpNow.toISOString() } : {}),
          },
        };
        return { value: next, request: next };
      });
    return pRetry(write, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 200,
      maxTimeout: 5_000,
      signal: this.stopped.signal,
      shouldRetry: ({ error }) => error instanceof StoreError,
    });
  }

  /** LivePerson's record saved: `submitted`, from `submitting` or `outcome_unknown` only. */
  completed(id: string, record: LpRecord, facts: HistoryFacts): Promise<DeletionRequest> {
    const now = this.deps.now();
    return this.deps.store.update(id, (r) => {
      if (!r) throw new Error(`request ${id} vanished from the store`);
      // Already completed (the sweep and the follow-up may both reconcile it): post the record once.
      if (r.status !== 'submitting' && r.status !== 'outcome_unknown') return { value: r };
      const next: DeletionRequest = {
        ...r,
        status: 'submitted',
        lpRecord: record,
        history: [...r.history, { ...historyEntry(now, 'submitted'), facts }],
      };
      delete next.failure;
      // A request filed with `npm run lp -- create` has no thread or requester to tell.
      return { value: next, request: next, notices: r.origin === 'cli' ? [] : outcomeNotices() };
    });
  }

  private async failed(request: DeletionRequest, error: unknown): Promise<DeletionRequest> {
    const lpError = error instanceof LivePersonError ? error : undefined;
    // The facts the messages are worded from when they are delivered.
    const facts: SubmissionFailure = lpError ? failureFacts(lpError) : { code: 'UNEXPECTED' };
    const code = facts.code;
    // A definite failure did not spend LivePerson's quota (the request stops counting); an unknown outcome
    // may have, so it stays counted. A 429 marks the month spent (derived from the failure code).
    const unknown = code === 'LP_OUTCOME_UNKNOWN' || !lpError;
    const failure: Failure = {
      code,
      ...(lpError?.httpStatus ? { httpStatus: lpError.httpStatus } : {}),
    };
    const now = this.deps.now();
    const write = () =>
      this.deps.store.update(request.id, (r) => {
        if (!r) throw new Error(`request ${request.id} vanished from the store`);
        // One way only: a failure arriving after the request was completed (or decided) changes nothing.
        if (r.status !== 'submitting') return { value: r };
        const next: DeletionRequest = {
          ...r,
          status: unknown ? 'outcome_unknown' : 'failed',
          failure,
          ...(r.attempt && unknown ? { attempt: { ...r.attempt, endedAt: now.toISOString() } } : {}),
          history: [
            ...r.history,
            historyEntry(now, unknown ? 'outcome_unknown' : 'submission_failed', undefined, code),
          ],
        };
        return { value: next, request: next, notices: r.origin === 'cli' ? [] : outcomeNotices(facts) };
      });
    const updated = await this.saves.save(request.id, write);
    this.deps.log.warn('submission_failed', { request: request.id, code, httpStatus: lpError?.httpStatus });
    return updated ?? request;
  }

  /**
   * Requests whose sending was cut off (this process or a replica died mid-call) and unknown outcomes
   * younger than 30 days: each is looked up in LivePerson's list. It takes its turn on the create lock,
   * so it runs only when no create of ours is under way anywhere and before the creates queued after it:
   * each cut-off attempt is then looked for while the fewest others surround it. Never touches what this
   * process is sending or still saving. Safe to run again at any time.
   */
  async recover(): Promise<void> {
    const { unsent } = await this.gate.run(() =>
      this.reconciliation.run(new Set([...this.sending, ...this.unsaved.keys()])),
    );
    // Approved, never sent (the process stopped before the attempt was saved): sent now, once.
    for (const request of unsent) await this.submit(request);
  }
}
