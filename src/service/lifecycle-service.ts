import { todayIn } from '../domain/zoned-time.js';
import type { ApprovalTimers } from '../domain/lifecycle.js';
import type { Outcome } from '../domain/outcome.js';
import type { DeletionRequest } from '../domain/request.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import type { RequestStore } from '../store/port.js';
import { Sweeps, type SweepResult } from './approval-sweeps.js';
import { Cancellation } from './cancellation.js';
import { homeLists, type HomeLists } from './home-lists.js';
import type { Directory, MessageRef } from './ports.js';
import { StatusReads, type StatusAnswer } from './status-reads.js';

export { READS_PER_MINUTE, type StatusAnswer } from './status-reads.js';
export type { SweepResult } from './approval-sweeps.js';
export type { HomeLists } from './home-lists.js';

export interface LifecycleServiceDeps {
  store: RequestStore;
  lp: LivePersonClient;
  directory: Directory;
  timers: ApprovalTimers;
  /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
  timeZone: string;
  now: () => Date;
  log: Logger;
  /** Proof of erasure: a status read that sees DONE starts the read-back. */
  verification?: { kick(): void };
}

/**
 * Everything that happens to a request after filing and submission: its live status at LivePerson
 * (status-reads.ts), cancelling it inside the window (cancellation.ts), and reminding about or expiring
 * approvals nobody decided (approval-sweeps.ts). Each state change is one store transaction (check and set
 * together), so concurrent clicks and overlapping sweeps act once.
 */
export class LifecycleService {
  private readonly statusReads: StatusReads;
  private readonly cancellation: Cancellation;
  private readonly sweeps: Sweeps;

  constructor(private readonly deps: LifecycleServiceDeps) {
    this.statusReads = new StatusReads(deps);
    this.cancellation = new Cancellation({ ...deps, find: (ref) => this.find(ref) });
    this.sweeps = new Sweeps(deps);
  }

  /** Today's date in the team's zone (`yyyy-mm-dd`): the modal's default and the GDPR deadline's "today". */
  today(): string {
    return todayIn(this.deps.now(), this.deps.timeZone);
  }

  now(): Date {
    return this.deps.now();
  }

  /** Finds a request by its local id (`DR-…`, any case) or by LivePerson's request id. */
  find(ref: string): Promise<DeletionRequest | undefined> {
    return this.statusReads.find(ref);
  }

  /** LivePerson's live status of a request, for `viewer` (see StatusReads.status). */
  status(ref: string, viewer: string, at?: MessageRef): Promise<Outcome<StatusAnswer>> {
    return this.statusReads.status(ref, viewer, at);
  }

  /** Refresh status: reads LivePerson and re-renders the clicked record (the Cancel button goes after the window). */
  refresh(requestId: string, viewer: string, at: MessageRef | undefined): Promise<Outcome<StatusAnswer>> {
    return this.statusReads.status(requestId, viewer, at);
  }

  /** One person's LivePerson reads (`status`, `quota`, Refresh): at most READS_PER_MINUTE a minute. */
  allowRead(userId: string): Outcome<object> {
    return this.statusReads.allowRead(userId);
  }

  /** Cancels at LivePerson (see Cancellation.cancel). */
  cancel(ref: string, userId: string, at?: MessageRef): Promise<Outcome<{ request: DeletionRequest }>> {
    return this.cancellation.cancel(ref, userId, at);
  }

  /** Takes the Cancel button off thread records whose cancel window has closed. */
  sweepRecords(): Promise<string[]> {
    return this.sweeps.sweepRecords();
  }

  /** Reminds about approvals waiting too long and expires those past APPROVAL_EXPIRY_DAYS. */
  sweepApprovals(): Promise<SweepResult> {
    return this.sweeps.sweepApprovals();
  }

  /** The Home tab's lists for `userId` (see home-lists.ts). */
  homeLists(userId: string): Promise<HomeLists> {
    return homeLists(this.deps, userId);
  }
}
