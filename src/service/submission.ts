import { DAY_MS, utcDate } from '../domain/durations.js';
import type { RequestNotice, SubmissionFailure } from '../domain/notices.js';
import type { DeletionRequest, Failure } from '../domain/request.js';
import type { LpRecord } from '../domain/types.js';
import { failureFacts, LivePersonError } from '../liveperson/errors.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import type { RequestStore } from '../store/port.js';
import { historyEntry } from './request-steps.js';
import { errorCode } from '../domain/error-code.js';

export interface SubmissionDeps {
  store: RequestStore;
  lp: LivePersonClient;
  now: () => Date;
  log: Logger;
}

/** Failures after which LivePerson may hold the request: reconciled with its list. */
const UNSURE_CODES = ['INTERRUPTED', 'LP_OUTCOME_UNKNOWN', 'UNEXPECTED'];
/** How far from the submission a request in LivePerson's list may be and still be ours. */
const RECONCILE_WINDOW_MS = 5 * 60_000;
/** Unknown outcomes are looked up again for this long; after that a person must check. */
const RECONCILE_MAX_AGE_MS = 30 * DAY_MS;

/**
 * Sending an approved request to LivePerson, and finding out what happened to one whose sending was cut
 * off. `submitting` is saved before LivePerson is called, so a crash never leads to a silent second
 * submission: such a request is looked up in LivePerson's list, never re-sent.
 */
export class Submission {
  /** Submissions under way: shutdown waits for them so none is cut between LivePerson and the store. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: SubmissionDeps) {}

  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const result = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Calls LivePerson for a request already saved as `submitting`, and saves what it answered. */
  submit(request: DeletionRequest): Promise<DeletionRequest> {
    const work = this.send(request);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async send(request: DeletionRequest): Promise<DeletionRequest> {
    let record: LpRecord;
    const started = Date.now();
    try {
      record = await this.deps.lp.create(request.type, request.ids);
    } catch (error) {
      return this.failed(request, error);
    }
    const updated = await this.completed(request.id, record, `LivePerson request ${record.requestId}`);
    this.deps.log.info('request_submitted', {
      request: request.id,
      lpRequestId: record.requestId,
      ms: Date.now() - started,
    });
    return updated;
  }

  private async completed(id: string, record: LpRecord, detail: string): Promise<DeletionRequest> {
    const now = this.deps.now();
    return this.deps.store.update(id, (r) => {
      if (!r) throw new Error(`request ${id} vanished from the store`);
      // Already completed (the sweep and the follow-up may both reconcile it): post the record once.
      if (r.status !== 'submitting' && r.status !== 'outcome_unknown') return { value: r };
      const next: DeletionRequest = {
        ...r,
        status: 'submitted',
        lpRecord: record,
        history: [...r.history, historyEntry(now, 'submitted', undefined, detail)],
      };
      delete next.failure;
      return { value: next, request: next, notices: outcomeNotices() };
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
    const updated = await this.deps.store.update(request.id, (r) => {
      if (!r) throw new Error(`request ${request.id} vanished from the store`);
      const next: DeletionRequest = {
        ...r,
        status: unknown ? 'outcome_unknown' : 'failed',
        failure,
        history: [
          ...r.history,
          historyEntry(now, unknown ? 'outcome_unknown' : 'submission_failed', undefined, code),
        ],
      };
      return { value: next, request: next, notices: outcomeNotices(facts) };
    });
    this.deps.log.warn('submission_failed', { request: request.id, code, httpStatus: lpError?.httpStatus });
    return updated;
  }

  /**
   * Requests whose sending was cut off (this process or a replica died mid-call) and unknown outcomes
   * younger than 30 days: each is looked up in LivePerson's list. Safe to run again at any time.
   */
  async recover(): Promise<void> {
    const now = this.deps.now().getTime();
    const orphans = await this.deps.store.orphanedSubmissions();
    const unsure = (await this.deps.store.listOpen()).filter(
      (r) =>
        r.status === 'outcome_unknown' &&
        UNSURE_CODES.includes(r.failure?.code ?? '') &&
        now - Date.parse(r.createdAt) < RECONCILE_MAX_AGE_MS,
    );
    for (const request of [...orphans, ...unsure]) {
      try {
        await this.reconcile(request);
      } catch (error) {
        this.deps.log.warn('reconcile_failed', { request: request.id, code: errorCode(error) });
      }
    }
  }

  /**
   * Looks for a request whose submission was cut off in LivePerson's own list. That list has no ids,
   * so a match is a request made within minutes of the submission that no other stored request claims;
   * exactly one completes the request as if nothing had happened. None, or several, leave it
   * `outcome_unknown` with what to check: never a silent second submission.
   */
  private async reconcile(request: DeletionRequest): Promise<void> {
    const startedAt = new Date(request.decision?.at ?? request.createdAt).getTime();
    const from = startedAt - RECONCILE_WINDOW_MS;
    const to = startedAt + RECONCILE_WINDOW_MS;
    let candidates: LpRecord[] | undefined;
    try {
      const listed = await this.deps.lp.list({
        fromDate: utcDate(from - DAY_MS),
        toDate: utcDate(to + DAY_MS),
      });
      const inWindow = listed.filter((record) => {
        const time = record.requestTime ? Date.parse(record.requestTime) : NaN;
        return time >= from && time <= to;
      });
      candidates = [];
      for (const record of inWindow) {
        if (!(await this.deps.store.findByLpRequestId(record.requestId))) candidates.push(record);
      }
    } catch (error) {
      this.deps.log.warn('reconcile_unavailable', { request: request.id, code: errorCode(error) });
    }
    const match = candidates?.length === 1 ? candidates[0] : undefined;
    if (match) {
      await this.completed(
        request.id,
        match,
        `LivePerson request ${match.requestId}, found after an interruption`,
      );
      this.deps.log.info('submission_reconciled', { request: request.id, lpRequestId: match.requestId });
      return;
    }
    // A request already posted as unknown (after a timeout or an earlier restart) has nothing new to say.
    if (request.status !== 'submitting') return;
    const facts: SubmissionFailure = {
      code: 'INTERRUPTED',
      candidates: candidates?.map((c) => c.requestId) ?? null,
    };
    const now = this.deps.now();
    await this.deps.store.update(request.id, (r) => {
      if (r?.status !== 'submitting') return { value: undefined };
      const next: DeletionRequest = {
        ...r,
        status: 'outcome_unknown',
        failure: { code: 'INTERRUPTED' },
        history: [...r.history, historyEntry(now, 'outcome_unknown', undefined, 'interrupted')],
      };
      return { value: undefined, request: next, notices: outcomeNotices(facts) };
    });
    this.deps.log.warn('submission_interrupted', {
      request: request.id,
      candidates: candidates?.length ?? 0,
    });
  }
}

/** The record (or what went wrong) in the thread, the approval message re-rendered, the requester told. */
function outcomeNotices(failure?: SubmissionFailure): RequestNotice[] {
  return [
    failure ? { kind: 'failure_post', failure } : { kind: 'record_post' },
    { kind: 'approval_update' },
    failure ? { kind: 'requester_outcome', failure } : { kind: 'requester_outcome' },
  ];
}
