import type { DeletionType, LpRecord } from '../../src/domain/types.js';
import type { LivePersonCheck, LivePersonClient, ListFilter } from '../../src/liveperson/client.js';
import { silentLogger } from '../../src/log.js';
import { Decisions } from '../../src/service/decisions.js';
import { Filing, type FileInput } from '../../src/service/filing.js';
import { Submission } from '../../src/service/submission.js';
import { NoticeDelivery } from '../../src/service/notice-delivery.js';
import { QuotaService } from '../../src/service/quota-service.js';
import { QuotaSync } from '../../src/service/quota-sync.js';
import { MemoryStore } from './memory-store.js';
import { RecordingSender } from './recording-sender.js';
import { TestClock } from './clock.js';

export const ACCOUNT = '123';
export const REQUESTER = 'U-REQUESTER';
export const APPROVER = 'U-APPROVER';
export const OTHER_APPROVER = 'U-APPROVER-2';
export const STRANGER = 'U-STRANGER';
export const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';

/** A LivePerson record as its API returns one. */
export function lpRecord(requestId: string, overrides: Partial<LpRecord> = {}): LpRecord {
  return {
    requestId,
    siteId: ACCOUNT,
    requestTime: null,
    requestedBy: null,
    cancelledBy: null,
    cancelTimestamp: null,
    isCanceled: false,
    deleteJson: null,
    status: 'NOT_STARTED',
    ...overrides,
  };
}

/**
 * A hand-written LivePersonClient: `create` answers with `createAnswer` (a record, or an error to throw),
 * `list` with `listed`. Every call is recorded, so a test can say "never re-sent".
 */
export class FakeLivePerson implements LivePersonClient {
  readonly calls: { op: 'create' | 'get' | 'list' | 'cancel'; args: unknown[] }[] = [];
  listed: LpRecord[] = [];
  listError: Error | undefined;
  /** When set, `cancel` throws it (LivePerson refusing the cancel). */
  cancelError: Error | undefined;
  createAnswer: (type: DeletionType, ids: string[]) => LpRecord | Error;
  private next = 0;

  constructor(private readonly now: () => Date) {
    this.createAnswer = () => lpRecord(`lp-${++this.next}`, { requestTime: this.now().toISOString() });
  }

  created(): number {
    return this.calls.filter((c) => c.op === 'create').length;
  }

  async create(type: DeletionType, ids: string[]): Promise<LpRecord> {
    this.calls.push({ op: 'create', args: [type, ids] });
    const answer = this.createAnswer(type, ids);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async get(requestId: string): Promise<LpRecord | null> {
    this.calls.push({ op: 'get', args: [requestId] });
    return this.listed.find((r) => r.requestId === requestId) ?? null;
  }

  async list(filter?: ListFilter): Promise<LpRecord[]> {
    this.calls.push({ op: 'list', args: [filter] });
    if (this.listError) throw this.listError;
    return structuredClone(this.listed);
  }

  async cancel(requestId: string): Promise<LpRecord> {
    this.calls.push({ op: 'cancel', args: [requestId] });
    if (this.cancelError) throw this.cancelError;
    return lpRecord(requestId, { isCanceled: true, status: 'CANCELED' });
  }

  async check(): Promise<LivePersonCheck> {
    return { rtbfHost: 'fake', authKind: 'bearer', tokenOk: true };
  }
}

export interface ServiceWorld {
  store: MemoryStore;
  lp: FakeLivePerson;
  sender: RecordingSender;
  quota: QuotaService;
  filing: Filing;
  submission: Submission;
  decisions: Decisions;
  quotaSync: QuotaSync;
  delivery: NoticeDelivery;
  /** The clock every service reads; `clock.set()` moves it (no fake timers). */
  clock: { now: () => Date; set(at: Date | string): void; advance(ms: number): void };
  /** Files a request of one conversation id as REQUESTER (throws on a refusal). */
  file(overrides?: Partial<FileInput>): Promise<string>;
}

/** The services as src/app.ts wires them, over the memory store, a fake LivePerson and a recording sender. */
export function serviceWorld(
  options: {
    monthlyLimit?: number;
    at?: string;
    timeZone?: string;
    approvers?: string[];
    /** The requester allow-list (REQUESTER_*); absent: anyone may file. */
    requesters?: string[];
    legacyTicketing?: boolean;
    /** A store to start from (e.g. `old.reopen()`: the process that was submitting is gone). */
    store?: MemoryStore;
  } = {},
): ServiceWorld {
  const clock = new TestClock(options.at ?? '2026-12-10T10:00:00.000Z');
  const now = clock.now;
  const timeZone = options.timeZone ?? 'Europe/Berlin';
  const store = options.store ?? new MemoryStore({ now });
  const lp = new FakeLivePerson(now);
  const sender = new RecordingSender();
  const approvers = new Set(options.approvers ?? [APPROVER, OTHER_APPROVER, REQUESTER]);
  const quota = new QuotaService({
    store,
    accountId: ACCOUNT,
    monthlyLimit: options.monthlyLimit ?? 10,
    quotaTimeZone: timeZone,
    now,
  });
  const directory = {
    approvers: async () => approvers,
    requesters: async () => (options.requesters ? new Set(options.requesters) : null),
  };
  const filing = new Filing({
    store,
    quota,
    directory,
    accountId: ACCOUNT,
    legacyTicketing: options.legacyTicketing ?? false,
    timeZone,
    now,
    log: silentLogger,
  });
  const submission = new Submission({ store, lp, accountId: ACCOUNT, now, log: silentLogger });
  const timers = { reminderHours: 24, expiryDays: 7 };
  const decisions = new Decisions({ store, quota, directory, submission, timers, now, log: silentLogger });
  const quotaSync = new QuotaSync({ store, lp, quota, quotaTimeZone: timeZone, now, log: silentLogger });
  const delivery = new NoticeDelivery({
    store,
    sender,
    quota: () => quota.report(),
    log: silentLogger,
    now,
    baseDelayMs: 1_000,
  });
  return {
    store,
    lp,
    sender,
    quota,
    filing,
    submission,
    decisions,
    quotaSync,
    delivery,
    clock,
    async file(overrides = {}) {
      const outcome = await filing.file({
        userId: REQUESTER,
        type: 'conversation',
        ids: [CONVERSATION],
        reason: 'DSR-1',
        duplicatesDropped: 0,
        ...overrides,
      });
      if (!outcome.ok) throw new Error(`filing refused: ${outcome.code}`);
      return outcome.request.id;
    },
  };
}

/**
 * Runs the delivery worker until no notice is due on the world's clock, then stops it. Notices waiting
 * for a later retry stay owed. Waits on the event loop only (no sleeps), so a round costs microseconds.
 */
export async function deliverDue(world: ServiceWorld, maxTurns = 10_000): Promise<void> {
  world.delivery.start();
  try {
    for (let turn = 0; turn < maxTurns; turn += 1) {
      const due = await world.store.nextNoticeDueAt();
      if (!due || due.getTime() > world.clock.now().getTime()) return;
      world.delivery.kick();
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('notices still due after delivering for a long time');
  } finally {
    await world.delivery.stop();
  }
}
