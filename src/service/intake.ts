import { createHash, randomBytes } from 'node:crypto';
import { settledWithin } from './periodic.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanIdentifier } from '../domain/identifier.js';
import { errorCode } from '../domain/error-code.js';
import {
  erasureView,
  moveErasure,
  statusOfRequests,
  type DerivedStatus,
  type ErasureView,
  type StoredErasure,
} from '../domain/erasure.js';
import type { DeletionRequest } from '../domain/request.js';
import { planInput, type Filing } from './filing.js';
import type { PersonErasure } from './person-erasure.js';
import type { UseCaseDeps } from './ports.js';

/**
 * The intake API's erasures (issue 21): accepted, searched as a person erasure, filed for the usual
 * four-eyes approval as "<caller> (case <ref>)" (any approver may approve: the caller is nobody in
 * Slack), and followed until LivePerson is done. Each change of status queues its callback in the same
 * write (domain/erasure.ts); IntakeCallbacks delivers them.
 *
 * Durable and once: an Idempotency-Key gives the erasure its id (a hash of caller and key), so a second
 * POST finds it under the id's lock. The lead request carries the erasure's id (written in the filing's
 * own write), so an erasure whose process died after filing is linked again by the sweep, never filed
 * twice. A search that died with its process (its identifier is kept nowhere) ends `failed`
 * (INTERRUPTED) once it has been `searching` for SEARCH_STALE_MS.
 */

export interface IntakeInput {
  caller: string;
  identifier: string;
  caseRef: string;
  receivedOn: string;
  callbackUrl?: string;
  idempotencyKey?: string;
}

export interface IntakeDeps extends Pick<UseCaseDeps, 'store' | 'quota' | 'now' | 'log'> {
  filing: Filing;
  person: PersonErasure;
  /** Called after a write that queued a callback (the deliverer wakes up). */
  onCallbacksQueued?: () => void;
}

export const SEARCH_STALE_MS = 30 * 60_000;

/** Waits before trying a search again that the searcher's limits held back (one at a time, 5 in 10 min). */
const BUSY_WAIT_MS = 1000;
const LIMIT_WAIT_MS = 30_000;

export class Intake {
  private readonly running = new Set<Promise<void>>();
  /** Erasures whose search runs (or waits its turn) in this process. */
  private readonly searching = new Set<string>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: IntakeDeps) {}

  /** Stores the erasure (or finds the one of the same Idempotency-Key) and starts its search. */
  async submit(input: IntakeInput): Promise<{ erasure: StoredErasure; created: boolean }> {
    const clean = cleanIdentifier(input.identifier);
    if (!clean.ok) throw new RangeError('submit(): a checked identifier');
    const id = input.idempotencyKey
      ? `ER-${createHash('sha256').update(`${input.caller}\0${input.idempotencyKey}`).digest('hex').slice(0, 24)}`
      : `ER-${randomBytes(12).toString('hex')}`;
    const at = this.deps.now().toISOString();
    const fresh: StoredErasure = {
      id,
      caller: input.caller,
      caseRef: input.caseRef,
      receivedOn: input.receivedOn,
      identifierKind: clean.kind,
      ...(input.callbackUrl ? { callbackUrl: input.callbackUrl } : {}),
      status: 'searching',
      createdAt: at,
      updatedAt: at,
      callbacks: [],
    };
    const result = await this.deps.store.erasures.change(id, (current) =>
      current
        ? { value: { erasure: current, created: false } }
        : { value: { erasure: fresh, created: true }, erasure: fresh },
    );
    if (result.created) {
      this.deps.log.info('intake_erasure_accepted', {
        caller: input.caller,
        caseRefLength: input.caseRef.length,
      });
      this.searching.add(id);
      const run = this.run(result.erasure, clean.value).finally(() => {
        this.running.delete(run);
        this.searching.delete(id);
      });
      this.running.add(run);
    }
    return result;
  }

  /** The erasure as its caller sees it; undefined when it is not theirs (or not there). */
  async view(caller: string, id: string): Promise<ErasureView | undefined> {
    const erasure = await this.deps.store.erasures.get(id);
    if (!erasure || erasure.caller !== caller) return undefined;
    return erasureView(erasure, await this.parts(erasure.requestId));
  }

  /** Brings an erasure's status up to its requests' (queues the callback of a change). */
  async refresh(id: string): Promise<void> {
    const erasure = await this.deps.store.erasures.get(id);
    if (!erasure?.requestId) return;
    const parts = await this.parts(erasure.requestId);
    const derived = statusOfRequests(parts);
    if (derived) await this.move(id, derived, parts);
  }

  /** The lead's erasure, when the lead was filed for one (onDecided). */
  async refreshLead(leadId: string): Promise<void> {
    const lead = await this.deps.store.get(leadId);
    if (lead?.intake) await this.refresh(lead.intake.erasureId);
  }

  /** For the sweep: every open erasure brought up to date; a search that died with its process ended. */
  async refreshAll(): Promise<void> {
    for (const erasure of await this.deps.store.erasures.listOpen()) {
      if (erasure.requestId) await this.refresh(erasure.id);
      else if (erasure.status === 'searching' && !this.searching.has(erasure.id)) await this.recover(erasure);
    }
  }

  /**
   * Resolves when no search is under way, or after `timeoutMs`. Searches waiting their turn stop waiting:
   * their identifier is kept nowhere, so they end INTERRUPTED (the platform is told to send them again).
   */
  async idle(timeoutMs: number): Promise<void> {
    this.stopping.abort();
    await settledWithin([...this.running], timeoutMs);
  }

  private async recover(erasure: StoredErasure): Promise<void> {
    const age = this.deps.now().getTime() - Date.parse(erasure.updatedAt);
    const lead = (await this.deps.store.listOpen()).find((r) => r.intake?.erasureId === erasure.id);
    if (lead) {
      await this.move(erasure.id, { status: 'awaiting_approval', requestId: lead.id }, [lead]);
      await this.refresh(erasure.id);
    } else if (age > SEARCH_STALE_MS) {
      await this.move(erasure.id, { status: 'failed', failure: { code: 'INTERRUPTED' } }, []);
    }
  }

  private async run(erasure: StoredErasure, identifier: string): Promise<void> {
    let next: DerivedStatus & { requestId?: string };
    try {
      next = await this.searchAndFile(erasure, identifier);
    } catch (error) {
      this.deps.log.warn('intake_erasure_failed', { erasure: erasure.id, code: errorCode(error) });
      next = { status: 'failed', failure: { code: 'SEARCH_FAILED' } };
    }
    const parts = await this.parts(next.requestId);
    await this.move(erasure.id, next, parts).catch((error: unknown) =>
      this.deps.log.warn('intake_erasure_not_saved', { erasure: erasure.id, code: errorCode(error) }),
    );
    this.deps.log.info('intake_erasure_searched', { erasure: erasure.id, status: next.status });
  }

  private async searchAndFile(
    erasure: StoredErasure,
    identifier: string,
  ): Promise<DerivedStatus & { requestId?: string }> {
    const failed = (code: string) => ({ status: 'failed' as const, failure: { code } });
    const spent = await this.deps.quota.refusalToFile();
    if (spent) return failed(spent.code);
    const started = await this.startSearch(erasure, identifier);
    if (!started.ok) return failed(started.code);
    const searched = await this.deps.person.search(started.search);
    if (!searched.ok) return failed('SEARCH_FAILED');
    if (searched.result.namesakes) return failed('NAMESAKES');
    const outcome = searched.outcome;
    if (!outcome.ok && outcome.code === 'nothing_to_delete') {
      return outcome.openHeldBack > 0 ? failed('ONLY_OPEN') : { status: 'nothing_found' };
    }
    if (!outcome.ok) return failed('QUOTA_SHORT');
    const filed = await this.deps.filing.filePlan({
      userId: `${erasure.caller} (case ${erasure.caseRef})`,
      reason: erasure.caseRef,
      subjectKind: erasure.identifierKind,
      subjectRequestedOn: erasure.receivedOn,
      ...planInput(outcome.plan),
      intake: { erasureId: erasure.id, caller: erasure.caller },
    });
    if (!filed.ok) return failed(filed.code);
    return { status: 'awaiting_approval', requestId: filed.request.id };
  }

  /**
   * The caller searches as a person would, one search at a time and at most 5 in 10 minutes: a burst of
   * erasures waits its turn here (the erasure stays `searching`, touched so the sweep knows it is alive).
   */
  private async startSearch(erasure: StoredErasure, identifier: string) {
    for (;;) {
      const started = await this.deps.person.start(`intake:${erasure.caller}`, identifier, true);
      if (started.ok || (started.code !== 'SEARCH_BUSY' && started.code !== 'SEARCH_LIMIT')) return started;
      if (this.stopping.signal.aborted) return started;
      await this.touch(erasure.id);
      const wait = started.code === 'SEARCH_BUSY' ? BUSY_WAIT_MS : LIMIT_WAIT_MS;
      await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Marks a waiting erasure alive for the sweep (at most every few minutes). */
  private async touch(id: string): Promise<void> {
    const now = this.deps.now();
    await this.deps.store.erasures.change(id, (current) =>
      current && now.getTime() - Date.parse(current.updatedAt) > SEARCH_STALE_MS / 6
        ? { value: undefined, erasure: { ...current, updatedAt: now.toISOString() } }
        : { value: undefined },
    );
  }

  private async move(
    id: string,
    next: DerivedStatus & { requestId?: string },
    parts: readonly DeletionRequest[],
  ): Promise<void> {
    const queued = await this.deps.store.erasures.change(id, (current) => {
      if (!current) return { value: false };
      const moved = moveErasure(current, next, this.deps.now(), (m) => erasureView(m, parts));
      if (!moved) return { value: false };
      return { value: moved.callbacks.length > current.callbacks.length, erasure: moved };
    });
    if (queued) this.deps.onCallbacksQueued?.();
  }

  private async parts(leadId: string | undefined): Promise<DeletionRequest[]> {
    if (!leadId) return [];
    const lead = await this.deps.store.get(leadId);
    if (!lead) return [];
    const members = lead.group?.members ?? [lead.id];
    const parts = await Promise.all(members.map((m) => this.deps.store.get(m)));
    return parts.filter((r): r is DeletionRequest => r !== undefined);
  }
}
