/**
 * A sliding-window limit per person: at most `limit` takes in any `windowMs`. In memory: a restart
 * forgets it, which only ever allows a few more reads.
 */
export class PersonRateLimit {
  private readonly taken = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one take for `key` at `now`, or says when the oldest counted one leaves the window. */
  take(key: string, now: Date): { ok: true } | { ok: false; retryAt: Date } {
    const at = now.getTime();
    const recent = (this.taken.get(key) ?? []).filter((t) => at - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.taken.set(key, recent);
      return { ok: false, retryAt: new Date((recent[0] ?? at) + this.windowMs) };
    }
    recent.push(at);
    this.taken.set(key, recent);
    // Forget people who stopped asking, so the map does not grow with the workspace.
    if (this.taken.size > 1000) {
      for (const [k, times] of this.taken)
        if (times.every((t) => at - t >= this.windowMs)) this.taken.delete(k);
    }
    return { ok: true };
  }
}
