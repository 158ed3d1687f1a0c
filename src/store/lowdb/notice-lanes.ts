import { collapses, type QueuedNotice, type RequestNotice } from '../../domain/notices.js';
import type { NoticeRef, OwedNotice } from '../port.js';

/** A lane (CHANNEL_LANE or a request id) and the notices it owes, oldest first. */
export type Lane = readonly [string, readonly QueuedNotice[]];

/**
 * The notices the file store owes Slack, as the deliverer sees them: a lane's head is claimed while it is
 * being delivered, so each lane goes out in order and no notice is sent twice at once. The notices
 * themselves live in the files (a request's in its document, the channel's in months.json); this keeps
 * only the claims, which do not outlive the process.
 */
export class NoticeLanes {
  /** lane → seq of the notice being delivered, and until when the claim holds. */
  private readonly claims = new Map<string, { seq: number; until: number }>();

  constructor(private readonly now: () => Date) {}

  claimDue(lanes: Iterable<Lane>, now: Date, limit: number, claimMs: number): OwedNotice[] {
    const out: OwedNotice[] = [];
    const at = now.getTime();
    for (const [lane, notices] of lanes) {
      if (out.length >= limit) break;
      const head = notices[0];
      if (!head || Date.parse(head.nextAttemptAt) > at) continue;
      const claim = this.claims.get(lane);
      if (claim && claim.until > at) continue;
      this.claims.set(lane, { seq: head.seq, until: at + claimMs });
      out.push({ ...structuredClone(head), lane });
    }
    return out;
  }

  unclaim(ref: NoticeRef): void {
    if (this.claims.get(ref.lane)?.seq === ref.seq) this.claims.delete(ref.lane);
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
  let next: number | undefined;
  for (const [, notices] of lanes) {
    const head = notices[0];
    if (!head) continue;
    const t = Date.parse(head.nextAttemptAt);
    if (next === undefined || t < next) next = t;
  }
  return next === undefined ? undefined : new Date(next);
}

export function owedIn(lanes: Iterable<Lane>): OwedNotice[] {
  const out: OwedNotice[] = [];
  for (const [lane, notices] of lanes) for (const q of notices) out.push({ ...structuredClone(q), lane });
  return out;
}

/** The notice `seq` with one more failed attempt, due again at `retryAt`; the others as they are. */
export function bumpFailed(
  seq: number,
  failure: { error: string; retryAt: Date },
): (q: QueuedNotice) => QueuedNotice {
  return (q) =>
    q.seq === seq
      ? {
          ...q,
          attempts: q.attempts + 1,
          nextAttemptAt: failure.retryAt.toISOString(),
          lastError: failure.error,
        }
      : q;
}
