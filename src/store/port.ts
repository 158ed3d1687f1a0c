import type { ChannelNotice, Notice, QueuedNotice, RequestNotice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { StoredErasure } from '../domain/erasure.js';
import type { MonthState, StoredPersonSearch } from './schemas.js';

/**
 * The store port: everything the services need to keep requests, the monthly quota and the Slack notices
 * they owe. Two implementations: `lowdb/` (JSON files, one app per data folder) and `postgres/` (any
 * number of replicas). The services depend on this interface only.
 *
 * Rules every implementation keeps:
 * - Reads return copies; a change is one call with a function from the old state to the new one, and
 *   the new state and the notices it causes are saved together (one file write, or one transaction).
 * - A change that throws, or whose write fails, changes nothing; a failed write rejects with a
 *   StoreError 'STORE_WRITE_FAILED' and is never reported as saved.
 * - Changes to one request are serialised; a change with `quota` set is also serialised with every
 *   other such change of that account and month, so a check of the quota and the reservation are atomic.
 */
export interface RequestStore {
  /** Identifies this process among replicas; stored on requests it is submitting. */
  readonly replicaId: string;
  /** False while writes fail (e.g. disk full); true again after the next successful write. */
  healthy(): boolean;
  /**
   * Whether the store answers a query within `deadlineMs` right now (for /readyz): a database that is
   * up but frozen answers nothing, which healthy() alone cannot tell. Absent where healthy() says all.
   */
  probe?(deadlineMs: number): Promise<boolean>;

  /** The request with this id (`DR-yyyy-mm-nnnn`), whatever its age. */
  get(id: string): Promise<DeletionRequest | undefined>;
  /** The request LivePerson knows by this request id, if lp-delete filed it. */
  findByLpRequestId(lpRequestId: string): Promise<DeletionRequest | undefined>;
  /** Requests still in play: pending approval, submitting, submitted and not final, outcome unknown, … */
  listOpen(): Promise<DeletionRequest[]>;
  /** Every request filed in `month` (`yyyy-mm`, the month in its id), oldest first. */
  listMonth(month: string): Promise<DeletionRequest[]>;
  /** Months (`yyyy-mm`) that hold requests, oldest first. */
  months(): Promise<string[]>;

  /**
   * Stores a new request. `build` receives the id the store allocated (`DR-<month>-nnnn`, numbered within
   * `month`) and returns the request; `notices` are queued in the same write.
   */
  create(
    month: string,
    build: (id: string) => DeletionRequest,
    notices?: RequestNotice[],
  ): Promise<DeletionRequest>;

  /**
   * Changes one request. `change` gets a copy of the current state (undefined when there is no such
   * request) and returns what to save: the new state and/or notices, or neither (nothing is written).
   * With `quota`, `context.usage` is that month's usage, read under the month's lock.
   */
  update<T>(id: string, change: ChangeFn<T>, options?: { quota?: QuotaKey }): Promise<T>;

  /** A month's usage: derived from the stored requests, plus what LivePerson's list said and alerts sent. */
  usage(key: QuotaKey): Promise<MonthUsage>;
  /** Records LivePerson's count of the month or alerts sent; `notices` go to the channel lane. */
  updateMonth<T>(key: QuotaKey, change: (month: MonthState) => MonthChange<T>): Promise<T>;

  /**
   * Notices due at `now` (the caller's clock: it set their retry times), at most one per lane (the oldest,
   * so each lane is delivered in order), claimed by this caller: nobody else gets them until they are
   * settled or `claimMs` passes on the STORE's clock (PostgreSQL's `now()`; the file store's own), so a
   * caller whose clock is off cannot shorten another's claim (PostgreSQL also frees the claims of a
   * replica whose lease ran out: see claimsSafeUntil). Each claim has its own token; only its holder can
   * settle it. A notice whose earlier claim was never settled comes back `maybePosted` (that attempt may
   * have reached Slack).
   */
  claimDueNotices(now: Date, limit: number, claimMs?: number): Promise<ClaimedNotice[]>;
  /**
   * Until when (`performance.now()` ms) nobody can take this process's claims for any reason but their
   * own end. PostgreSQL: while this replica's lease holds (a replica whose lease ran out is taken for
   * dead, and its claims with it), less a margin. Absent: only a claim's end (the file store).
   */
  claimsSafeUntil?(): number;
  /** When the next waiting notice is due (undefined when none waits). */
  nextNoticeDueAt(): Promise<Date | undefined>;
  /**
   * Slack took the notice: it is removed and `effect` (e.g. where the message landed) saved with it. False
   * (and nothing changed) when `ref.claim` no longer holds it: another caller claimed it since.
   */
  noticeDelivered(ref: NoticeRef, effect?: (request: DeletionRequest) => DeletionRequest): Promise<boolean>;
  /**
   * The attempt failed: try again at `retryAt`; `maybePosted` when it may have reached Slack all the same.
   * False (and nothing changed) when `ref.claim` no longer holds the notice.
   */
  noticeFailed(ref: NoticeRef, failure: NoticeFailure): Promise<boolean>;
  /** Every notice still owed (for the doctor and the approvers' Home tab). */
  owedNotices(): Promise<OwedNotice[]>;
  /** Calls `listener` after each write of this process that queued notices (the deliverer wakes up). */
  onNoticesQueued(listener: () => void): void;

  /** Requests left `submitting` by a process that is gone (this one's earlier life, or a dead replica). */
  orphanedSubmissions(): Promise<DeletionRequest[]>;
  /**
   * Runs periodic work `name` unless another replica is running it right now (then resolves undefined).
   * The file store has one process, so it always runs it.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;

  /** Waits for changes under way, releases the lock or connections. */
  close(): Promise<void>;

  /** Person searches between the search and their filing (issue 19): any replica may file one. */
  readonly searches: PersonSearchStore;

  /** Erasures sent through the intake API (issue 21), with the callbacks they owe. */
  readonly erasures: ErasureStore;
}

export interface ErasureChange<T> {
  value: T;
  /** What to save: absent = unchanged. */
  erasure?: StoredErasure;
}

/**
 * Erasures of the intake API. A change is serialised per id across replicas (the file store: one process;
 * PostgreSQL: the row lock, or the id's advisory lock while it does not exist yet), so a create with an
 * Idempotency-Key and a callback's claim happen once.
 */
export interface ErasureStore {
  change<T>(id: string, change: (current: StoredErasure | undefined) => ErasureChange<T>): Promise<T>;
  get(id: string): Promise<StoredErasure | undefined>;
  /** Erasures not final, or with a callback still owed (erasureOpen). */
  listOpen(): Promise<StoredErasure[]>;
}

export interface SearchChange<T> {
  value: T;
  /** What to save: absent = unchanged. */
  search?: StoredPersonSearch;
}

export interface PersonSearchStore {
  /**
   * Starts a search of `userId`: `admit` gets a copy of every search of theirs still kept and returns the
   * new one to save, or none. Serialised per user across replicas, so two starts cannot both pass a check.
   */
  start<T>(userId: string, admit: (earlier: StoredPersonSearch[]) => SearchChange<T>): Promise<T>;
  /** Changes one search (a copy; undefined when gone), serialised per token across replicas. */
  change<T>(token: string, change: (current: StoredPersonSearch | undefined) => SearchChange<T>): Promise<T>;
  get(token: string): Promise<StoredPersonSearch | undefined>;
  /** Removes the searches expired at `now`, then the oldest beyond `keep`; returns how many went. */
  purge(now: Date, keep: number): Promise<number>;
}

export interface QuotaKey {
  accountId: string;
  /** `yyyy-mm` in QUOTA_TIMEZONE. */
  month: string;
}

export interface ChangeContext {
  /** Present when the change was made with `quota`. */
  usage?: MonthUsage;
}

export interface Change<T> {
  value: T;
  /** The new state of the request (the same id); absent = unchanged. */
  request?: DeletionRequest;
  notices?: RequestNotice[];
}

export type ChangeFn<T> = (current: DeletionRequest | undefined, context: ChangeContext) => Change<T>;

/** What lp-delete knows of one account's calendar month. */
export interface MonthUsage {
  /** Requests this app submitted (or is submitting) in that month: derived from the requests. */
  used: number;
  /** LivePerson answered 429 to a create of that month: the month is spent whatever `used` says. */
  spent: boolean;
  /** Requests waiting for approval now (any month). */
  pendingApprovals: number;
  /** LivePerson's own list of the month at the last sync: all requests, and those not filed here. */
  livePerson?: MonthState['livePerson'];
  /** Alert level (80, 100) → when the privacy channel was told. */
  alertsSent: Record<string, string>;
}

/** A month's usage: the counts derived from its requests, with its stored state. */
export function monthUsage(
  counts: Pick<MonthUsage, 'used' | 'spent' | 'pendingApprovals'>,
  state: MonthState,
): MonthUsage {
  return {
    ...counts,
    ...(state.livePerson ? { livePerson: state.livePerson } : {}),
    alertsSent: state.alertsSent,
  };
}

export interface MonthChange<T> {
  value: T;
  state?: MonthState;
  notices?: ChannelNotice[];
}

/** The lane of notices about no single request. */
export const CHANNEL_LANE = '_channel';

/** How long a claimed notice stays with its claimer when claimDueNotices is not told. */
export const DEFAULT_CLAIM_MS = 30_000;

/** A request id, `DR-yyyy-mm-nnnn`: the month it was filed in, and its number within that month. */
const REQUEST_ID = /^DR-(\d{4}-\d{2})-(\d{4,})$/;

/** A request id's month (`yyyy-mm`) and number; undefined for a string that is not one. */
export function idParts(id: string): { month: string; number: number } | undefined {
  const match = REQUEST_ID.exec(id);
  return match?.[1] && match[2] ? { month: match[1], number: Number(match[2]) } : undefined;
}

/** The id of request `number` of `month` (at least four digits). */
export function requestId(month: string, number: number): string {
  return `DR-${month}-${String(number).padStart(4, '0')}`;
}

export interface NoticeRef {
  /** A request id, or CHANNEL_LANE. */
  lane: string;
  seq: number;
  /** The token of the claim that took it (ClaimedNotice.claim). */
  claim: string;
}

export interface OwedNotice extends QueuedNotice {
  lane: string;
  notice: Notice;
}

/** A notice claimed for delivery, with the token that settles it. */
export interface ClaimedNotice extends OwedNotice {
  claim: string;
  /** Always set on a claim: whether an earlier attempt may have reached Slack. */
  maybePosted: boolean;
}

export interface NoticeFailure {
  /** Slack's error code (never the payload). */
  error: string;
  retryAt: Date;
  /** The attempt (or an earlier one) may have reached Slack: look before posting again. */
  maybePosted?: boolean;
}

/** Requests that hold a quota unit: submitted, or possibly submitted. */
export const COUNTING_STATUSES: ReadonlySet<DeletionRequest['status']> = new Set([
  'submitting',
  'submitted',
  'outcome_unknown',
  'cancelled',
]);

/** Whether a request still counts against its month's quota. */
export function countsAgainstQuota(request: DeletionRequest): boolean {
  return request.quotaMonth !== undefined && COUNTING_STATUSES.has(request.status);
}

/** Whether a request's 429 marks its month spent. */
export function marksMonthSpent(request: DeletionRequest): boolean {
  return request.quotaMonth !== undefined && request.failure?.code === 'LP_QUOTA_REACHED';
}

/**
 * Requests that are finished: nothing more will happen to them at LivePerson or in the approval flow
 * (a person may still look at them). Everything else is open.
 */
export function isFinished(request: DeletionRequest): boolean {
  switch (request.status) {
    case 'rejected':
    case 'failed':
    case 'expired':
    case 'cancelled':
      return true;
    case 'submitted':
      return request.lpRecord?.status === 'DONE' || request.lpRecord?.status === 'CANCELED';
    default:
      return false;
  }
}
