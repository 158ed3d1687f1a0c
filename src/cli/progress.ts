/**
 * Progress for the command lines (doctor, audit, lp): when stderr is a terminal and a step waits more than
 * a second, a spinner line says what it waits for; after 5 s without an answer from a remote service it
 * says so ("LivePerson has not answered for 5 s"). Nothing at all when stderr is not a terminal (pipes, CI
 * logs), so the output of a script stays clean. The clock and the stream are injected for tests.
 */

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export interface ProgressOptions {
  stream: ProgressStream;
  clock?: ProgressClock;
  /** A step shorter than this shows nothing (default 1 s). */
  showAfterMs?: number;
  /** After this long waiting for a service, say it has not answered (default 5 s). */
  slowAfterMs?: number;
  /** NO_COLOR / TERM=dumb: plain text lines instead of a redrawn spinner line. */
  plain?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 100;

export const realClock: ProgressClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export class Progress {
  private readonly clock: ProgressClock;
  private readonly showAfterMs: number;
  private readonly slowAfterMs: number;
  private readonly active: boolean;
  private readonly plain: boolean;
  private label = '';
  private service: string | undefined;
  private startedAt = 0;
  private frame = 0;
  private drawn = false;
  private saidWaiting = false;
  private saidSlow = false;
  private stop: (() => void) | undefined;

  constructor(private readonly options: ProgressOptions) {
    this.clock = options.clock ?? realClock;
    this.showAfterMs = options.showAfterMs ?? 1000;
    this.slowAfterMs = options.slowAfterMs ?? 5000;
    this.active = Boolean(options.stream.isTTY);
    this.plain = options.plain ?? false;
  }

  /** Begins a step (ending the previous one): `label` says what is going on, `service` whom it waits for. */
  step(label: string, service?: string): void {
    this.clear();
    this.label = label;
    this.service = service;
    this.startedAt = this.clock.now();
    this.saidWaiting = false;
    this.saidSlow = false;
    if (this.active && !this.stop) this.stop = this.clock.every(TICK_MS, () => this.tick());
  }

  /** Ends the current step and removes the spinner line. */
  done(): void {
    this.stop?.();
    this.stop = undefined;
    this.clear();
    this.label = '';
  }

  /** Runs `work` as one step. */
  async run<T>(label: string, service: string | undefined, work: () => Promise<T>): Promise<T> {
    this.step(label, service);
    try {
      return await work();
    } finally {
      this.done();
    }
  }

  private tick(): void {
    if (!this.label) return;
    const waited = this.clock.now() - this.startedAt;
    if (waited < this.showAfterMs) return;
    const seconds = Math.floor(waited / 1000);
    const slow = this.service !== undefined && waited >= this.slowAfterMs;
    const text = slow
      ? `${this.label}: ${this.service} has not answered for ${seconds} s; still waiting (Ctrl-C to give up)`
      : `${this.label}…`;
    if (this.plain) {
      // One line when the wait becomes visible, one when it becomes slow; no redrawing.
      if (!this.saidWaiting) this.options.stream.write(`${this.label}…\n`);
      if (slow && !this.saidSlow) this.options.stream.write(`${text}\n`);
      this.saidWaiting = true;
      this.saidSlow ||= slow;
      return;
    }
    this.frame = (this.frame + 1) % FRAMES.length;
    this.options.stream.write(`\r\x1b[K${FRAMES[this.frame]} ${text}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.options.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** Progress on stderr for a command line: redrawn on a terminal, plain lines with NO_COLOR or TERM=dumb. */
export function stderrProgress(env: Record<string, string | undefined> = process.env): Progress {
  return new Progress({
    stream: process.stderr,
    plain: Boolean(env.NO_COLOR) || env.TERM === 'dumb',
  });
}
