import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { collapses, postsNewMessage, type QueuedNotice, type RequestNotice } from '../../domain/notices.js';
import type { ClaimedNotice, NoticeFailure, NoticeRef, OwedNotice } from '../port.js';

/** A lane (CHANNEL_LANE or a request id) and the notices it owes, oldest first. */
export type Lane = readonly [string, readonly QueuedNotice[]];

/**
 * The notices the file store owes Slack, as the deliverer sees them: a lane's head is claimed while it is
 * being delivered, so each lane goes out in order and no notice is sent twice at once. The notices
 * themselves live in the files (a request's in its document, the channel's in months.json); this keeps
 * only the claims, which do not outlive the process.
 *
 * The store is its own single writer, so a claim runs on the store's own clock: a monotonic one (it keeps
 * counting while the process is paused and never jumps with the wall clock), whatever `now` a caller
 * passes to say what is due. Each claim has a random token: only its holder settles the notice.
 */
export class NoticeLanes {
  /** lane → the notice being delivered, its claim's token, and until when (monotonic ms) it holds. */
  private readonly claims = new Map<string, { seq: number; token: string; until: number }>();

  constructor(
    private readonly now: () => Date,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Claims the due heads of up to `limit` lanes. The claimer gets the stored `maybePosted`; the store
   * must then save `maybePosted: true` on each (see `toMark`) before it hands them out, so that if this
   * attempt never settles (a crash, a stall), the next one knows it may have posted.
   */
  claimDue(lanes: Iterable<Lane>, now: Date, limit: number, claimMs: number): ClaimedNotice[] {
    const out: ClaimedNotice[] = [];
    const at = now.getTime();
    const mono = this.clock();
    for (const [lane, notices] of lanes) {
      if (out.length >= limit) break;
      const head = notices[0];
      if (!head || Date.parse(head.nextAttemptAt) > at) continue;
      const claim = this.claims.get(lane);
      if (claim && claim.until > mono) continue;
      const token = randomUUID();
      this.claims.set(lane, { seq: head.seq, token, until: mono + claimMs });
      out.push({ ...structuredClone(head), lane, claim: token, maybePosted: head.maybePosted === true });
    }
    return out;
  }

  /**
   * claimDue, then `mark` saves `maybePosted` on each claimed notice that posts a message and is not yet
   * marked (one write per lane).
   * A lane whose mark cannot be saved is let go; when none could be, the write's error is thrown.
   */
  async claim(
    lanes: Iterable<Lane>,
    now: Date,
    limit: number,
    claimMs: number,
    mark: (lane: string, change: (notices: QueuedNotice[]) => QueuedNotice[]) => Promise<void>,
  ): Promise<ClaimedNotice[]> {
    const out: ClaimedNotice[] = [];
    const failures: Error[] = [];
    for (const owed of this.claimDue(lanes, now, limit, claimMs)) {
      try {
        // An update (chat.update) may be repeated harmlessly: no write for it.
        if (!owed.maybePosted && postsNewMessage(owed.notice)) {
          await mark(owed.lane, (notices) =>
            notices.map((q) => (q.seq === owed.seq ? { ...q, maybePosted: true } : q)),
          );
        }
        out.push(owed);
      } catch (error) {
        this.unclaim(owed);
        failures.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const [failure] = failures;
    if (out.length === 0 && failure) throw failure;
    return out;
  }

  /** Runs `write` (settling `ref`) if `ref`'s claim still holds its lane; false when it does not. */
  async settle(ref: NoticeRef, write: () => Promise<void>): Promise<boolean> {
    if (!this.holds(ref)) return false;
    try {
      await write();
    } finally {
      this.unclaim(ref);
    }
    return true;
  }

  /** Whether `ref`'s claim is the one holding its lane now. */
  holds(ref: NoticeRef): boolean {
    const claim = this.claims.get(ref.lane);
    return claim !== undefined && claim.seq === ref.seq && claim.token === ref.claim;
  }

  unclaim(ref: NoticeRef): void {
    if (this.holds(ref)) this.claims.delete(ref.lane);
  }

  /** `entry` (a lane's holder) with `notices` queued after its own, each unless an equal one already waits. */
  withNotices<E extends { notices: QueuedNotice[]; nextSeq: number }>(
    lane: string,
    entry: E,
    notices: readonly RequestNotice[],
  ): E {
    const out = { ...entry, notices: [...entry.notices] };
    const claim = this.claims.get(lane);
    for (const notice of notices) {
      // A re-render waiting (not being delivered right now) will show the latest state anyway.
      const waiting = out.notices.filter((q) => q.seq !== claim?.seq);
      if (collapses(waiting, notice)) continue;
      out.notices.push(this.queued(out.nextSeq, notice));
      out.nextSeq += 1;
    }
    return out;
  }

  queued(seq: number, notice: QueuedNotice['notice']): QueuedNotice {
    const at = this.now().toISOString();
    // Due at once, whatever clock the deliverer keeps (tests run the app on a clock of their own).
    return { seq, notice, queuedAt: at, attempts: 0, nextAttemptAt: new Date(0).toISOString() };
  }
}

export function nextDueAt(lanes: Iterable<Lane>): Date | undefined {
  const due = [...lanes].flatMap(([, notices]) =>
    notices.slice(0, 1).map((q) => Date.parse(q.nextAttemptAt)),
  );
  return due.length > 0 ? new Date(due.reduce((a, b) => Math.min(a, b))) : undefined;
}

export function owedIn(lanes: Iterable<Lane>): OwedNotice[] {
  return [...lanes].flatMap(([lane, notices]) => notices.map((q) => ({ ...structuredClone(q), lane })));
}

/** The notice `seq` with one more failed attempt, due again at `retryAt`; the others as they are. */
export function bumpFailed(seq: number, failure: NoticeFailure): (q: QueuedNotice) => QueuedNotice {
  return (q) => {
    if (q.seq !== seq) return q;
    const { maybePosted: _, ...rest } = q;
    return {
      ...rest,
      attempts: q.attempts + 1,
      nextAttemptAt: failure.retryAt.toISOString(),
      lastError: failure.error,
      ...(failure.maybePosted ? { maybePosted: true } : {}),
    };
  };
}
