import type { Query } from './session.js';

/*
 * Replicas and their leases: each replica holds a lease in the replicas table, renewed while it runs. A
 * request left 'submitting' by a replica whose lease ran out is an orphan another replica recovers, and a
 * notice claim of such a replica is void (see claimDue; a paused one posts nothing once its lease may have
 * run out: PostgresStore.claimsSafeUntil).
 */

/** `seconds` when it is a usable lease length; a RangeError naming the setting otherwise. */
export function leaseSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(
      `replicaLeaseSeconds (REPLICA_LEASE_SECONDS) must be a positive number, not ${seconds}`,
    );
  }
  return seconds;
}

/** Takes or extends `replicaId`'s lease for `seconds` from now, on the database's clock. */
export async function renewLease(q: Query, replicaId: string, seconds: number): Promise<void> {
  await q(
    `INSERT INTO replicas (id, lease_until) VALUES ($1, now() + make_interval(secs => $2))
     ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until`,
    [replicaId, seconds],
  );
}

/** Calls `renew` every third of the lease (at least 100 ms apart); the timer does not keep the process up. */
export function renewEveryThird(
  seconds: number,
  renew: () => Promise<void>,
  onFailure: () => void,
): NodeJS.Timeout {
  const everyMs = Math.max(100, (seconds * 1000) / 3);
  const timer = setInterval(() => {
    renew().catch(onFailure);
  }, everyMs);
  timer.unref();
  return timer;
}

/** Gives up the lease at once (a replica stopping cleanly), so its work is not waited for. */
export async function dropLease(q: Query, replicaId: string): Promise<void> {
  await q('DELETE FROM replicas WHERE id = $1', [replicaId]);
}

/** The documents of requests 'submitting' whose replica no longer holds a lease. */
export const ORPHANED_SUBMISSIONS = `SELECT doc FROM requests r WHERE r.status = 'submitting' AND NOT EXISTS (
  SELECT 1 FROM replicas p WHERE p.id = r.submitting_replica AND p.lease_until > now()
) ORDER BY created_at, month_seq, id`;
