import type { Clock } from '../domain/clock.js';
import { settledWithin } from './periodic.js';
import pLimit from 'p-limit';
import { errorCode } from '../domain/error-code.js';
import { refuse, type Outcome } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import { failedResult, outcomeOf, takeVerification, verificationDue } from '../domain/verification.js';
import type { VerificationCounts, VerificationResult } from '../domain/verification-schema.js';
import {
  createErasureReader,
  type ErasureReader,
  type IdErasure,
} from '../liveperson/history/erasure-reads.js';
import type { Gateway } from '../liveperson/gateway.js';
import type { Logger } from '../log.js';
import type { Change, RequestStore } from '../store/port.js';
import type { Directory } from './ports.js';
import { fileAgain, type FileAgainDeps } from './file-again.js';
import { PersonRateLimit } from './rate-limit.js';
import { notFound, notYours } from './refusals.js';
import { READS_PER_MINUTE } from './status-reads.js';

/** Verification reads in flight at once, across every request being checked (like the searches). */
export const VERIFY_CONCURRENCY = 4;
/** The history calls' `source` (at most 20 characters, one per use case, LivePerson's guidance). */
export const VERIFY_SOURCE = 'lpDelete_verify';
/** How far back the sweep looks for requests whose check is due (by the month they were filed in). */
const SWEEP_MONTHS = 6;

export interface VerificationDeps {
  store: RequestStore;
  /** The history APIs' connection (same Domain API and credentials as the rtbf client). */
  connection: Gateway;
  directory: Pick<Directory, 'approvers'>;
  /** Files a request (File again): the deletion service's `file`. */
  file: FileAgainDeps['file'];
  /** A failed read is tried again after this long: the follow-up's interval (STATUS_POLL_MINUTES). */
  retryMs: number;
  now: Clock;
  log: Logger;
}

/**
 * Proof of erasure: reads back what a DONE request covered and counts what LivePerson masked, on the
 * schedule domain/verification.ts keeps (at DONE, two days later, failed reads again each follow-up).
 * Runs beside the follow-up, never inside it: `kick` starts a sweep in the background, so a slow or
 * failing history API delays neither filing nor the follow-up of other requests. Every read goes through
 * one limiter (at most VERIFY_CONCURRENCY calls in flight). Only counts and booleans come back from the
 * reader; nothing read is kept or logged.
 */
export class Verification {
  private readonly reader: ErasureReader;
  private readonly reads = new PersonRateLimit(READS_PER_MINUTE, 60_000);
  private sweeping: Promise<number> | undefined;
  private stopped = false;
  private again = false;

  constructor(private readonly deps: VerificationDeps) {
    const limit = pLimit(VERIFY_CONCURRENCY);
    this.reader = createErasureReader(deps.connection, (call) => limit(call));
  }

  /** Starts a sweep in the background (joined when one is under way); failures are logged, not thrown. */
  kick(): void {
    if (this.stopped) return;
    // A request completed while a sweep is reading is picked up by one more sweep right after it.
    if (this.sweeping) {
      this.again = true;
      return;
    }
    void this.sweep().catch((error: unknown) =>
      this.deps.log.error('verification_failed', { step: 'sweep', code: errorCode(error) }),
    );
  }

  /** No new sweeps; waits up to `graceMs` for the one under way (its answers are stored when they come). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    await settledWithin([this.sweeping], graceMs);
  }

  /** Checks every request whose check is due; resolves with how many were checked. */
  sweep(): Promise<number> {
    this.sweeping ??= this.deps.store
      .exclusive('verification', () => this.sweepNow())
      .then((n) => n ?? 0)
      .finally(() => {
        this.sweeping = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    return this.sweeping;
  }

  private async sweepNow(): Promise<number> {
    const now = this.deps.now();
    const oldest = new Date(now.getTime());
    oldest.setUTCMonth(oldest.getUTCMonth() - SWEEP_MONTHS);
    const months = (await this.deps.store.months()).filter((m) => m >= oldest.toISOString().slice(0, 7));
    const due: DeletionRequest[] = [];
    for (const month of months) {
      due.push(...(await this.deps.store.listMonth(month)).filter((r) => verificationDue(r, now)));
    }
    await Promise.all(due.map((request) => this.verifyAndStore(request)));
    return due.length;
  }

  /** One automatic check: read, then store the answer with its notices (if it is still due). */
  private async verifyAndStore(request: DeletionRequest): Promise<void> {
    const result = await this.check(request);
    const now = this.deps.now();
    await this.deps.store.update(request.id, (r): Change<undefined> => {
      if (!r || !verificationDue(r, now)) return { value: undefined };
      const { next, notices } = takeVerification(r, result, now, { retryMs: this.deps.retryMs });
      return { value: undefined, request: next, notices };
    });
    this.deps.log.info('verification_done', {
      request: request.id,
      outcome: result.outcome,
      ...(result.code ? { code: result.code } : {}),
    });
  }

  /**
   * `/lp-delete verify <DR-…>`: checks now, for the requester or an approver, and keeps the answer in the
   * request's history with who asked. The thread is not told; the person is, privately.
   */
  async verifyNow(
    ref: string,
    userId: string,
  ): Promise<Outcome<{ request: DeletionRequest; result: VerificationResult }>> {
    const asked = this.deps.now();
    const allowed = this.reads.take(userId, asked);
    if (!allowed.ok) {
      const retryInSeconds = Math.max(1, Math.ceil((allowed.retryAt.getTime() - asked.getTime()) / 1000));
      return refuse({ code: 'RATE_LIMITED', perMinute: READS_PER_MINUTE, retryInSeconds });
    }
    const request = await this.deps.store.get(ref.trim().toUpperCase());
    if (!request) return notFound(ref);
    if (request.requestedBy !== userId && !(await this.deps.directory.approvers()).has(userId)) {
      this.deps.log.info('verify_refused', { request: request.id, code: 'NOT_YOURS' });
      return notYours(ref);
    }
    if (request.status !== 'submitted' || request.lpRecord?.status !== 'DONE') {
      return refuse({ code: 'NOT_DONE', requestId: request.id, status: request.status });
    }
    const result = await this.check(request);
    const now = this.deps.now();
    const stored = await this.deps.store.update(request.id, (r): Change<DeletionRequest> => {
      if (!r) return { value: request };
      const { next } = takeVerification(r, result, now, { retryMs: this.deps.retryMs, by: userId });
      return { value: next, request: next };
    });
    this.deps.log.info('verification_done', { request: request.id, outcome: result.outcome, onDemand: true });
    return { ok: true, request: stored, result };
  }

  /** File again: a new four-eyes request for what the last check found left (see file-again.ts). */
  fileAgain(requestId: string, userId: string): Promise<Outcome<{ request: DeletionRequest }>> {
    return fileAgain(this.deps, requestId, userId);
  }

  /** Reads everything the request covered; a failed read is "not verified", never erased. */
  private async check(request: DeletionRequest): Promise<VerificationResult> {
    const now = this.deps.now();
    try {
      const { perId, totals } = await this.read(request, now);
      const residualIds = perId.filter((c) => c.residual > 0).map((c) => c.id);
      return {
        at: now.toISOString(),
        outcome: outcomeOf(totals),
        ...totals,
        ...(residualIds.length > 0 ? { residualIds } : {}),
      };
    } catch (error) {
      this.deps.log.warn('verification_read_failed', { request: request.id, code: errorCode(error) });
      return failedResult(now, errorCode(error));
    }
  }

  private async read(
    request: DeletionRequest,
    now: Date,
  ): Promise<{ perId: IdErasure[]; totals: VerificationCounts }> {
    const before = Date.parse(request.lpRecord?.requestTime ?? '') || Date.parse(request.createdAt);
    let perId: IdErasure[];
    switch (request.type) {
      case 'conversation':
        perId = await this.reader.conversations(request.ids);
        break;
      case 'consumer':
        perId = await Promise.all(request.ids.map((id) => this.reader.consumer(id, before)));
        break;
      case 'engagement':
        perId = await Promise.all(request.ids.map((id) => this.reader.chat(id, now.getTime())));
        break;
      default:
        // Tickets have no history API to read back.
        perId = request.ids.map((id) => ({ id, erased: 0, residual: 0, notCheckable: 1 }));
    }
    const sum = (key: 'erased' | 'residual' | 'notCheckable') => perId.reduce((n, c) => n + c[key], 0);
    const erased = sum('erased');
    const residual = sum('residual');
    const notCheckable = sum('notCheckable');
    return { perId, totals: { total: erased + residual + notCheckable, erased, residual, notCheckable } };
  }
}
