import type { Writable } from 'node:stream';
import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import { systemClock } from '../domain/clock.js';

/**
 * Progress for the command lines (doctor, audit, lp): when stderr is a terminal and a step waits more than
 * a second, a spinner line (yocto-spinner) says what it waits for; after 5 s without an answer from a
 * remote service it says so ("LivePerson has not answered for 5 s"). Nothing at all when stderr is not a
 * terminal (pipes, CI logs), so the output of a script stays clean.
 */

export interface ProgressOptions {
  /** stderr, or a test's terminal (yocto-spinner also calls its `cursorTo`, `moveCursor`, `clearLine`). */
  stream: Writable & { isTTY?: boolean };
  /** A step shorter than this shows nothing (default 1 s). */
  showAfterMs?: number;
  /** After this long waiting for a service, say it has not answered (default 5 s). */
  slowAfterMs?: number;
  /** NO_COLOR / TERM=dumb: plain text lines instead of a redrawn spinner line. */
  plain?: boolean;
}

const TICK_MS = 100;

export class Progress {
  private label = '';
  private service: string | undefined;
  private startedAt = 0;
  private saidWaiting = false;
  private saidSlow = false;
  private ticker: NodeJS.Timeout | undefined;
  private spinner: Spinner | undefined;

  constructor(private readonly options: ProgressOptions) {}

  /** Begins a step (ending the previous one): `label` says what is going on, `service` whom it waits for. */
  step(label: string, service?: string): void {
    this.done();
    this.label = label;
    this.service = service;
    this.startedAt = systemClock().getTime();
    this.saidWaiting = false;
    this.saidSlow = false;
    if (this.options.stream.isTTY) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
  }

  /** Ends the current step and removes the spinner line. */
  done(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.spinner?.stop();
    this.spinner = undefined;
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
    const waited = systemClock().getTime() - this.startedAt;
    if (waited < (this.options.showAfterMs ?? 1000)) return;
    const seconds = Math.floor(waited / 1000);
    const slow = this.service !== undefined && waited >= (this.options.slowAfterMs ?? 5000);
    const text = slow
      ? `${this.label}: ${this.service} has not answered for ${seconds} s; still waiting (Ctrl-C to give up)`
      : `${this.label}…`;
    if (this.options.plain) {
      // One line when the wait becomes visible, one when it becomes slow; no redrawing.
      if (!this.saidWaiting) this.options.stream.write(`${this.label}…\n`);
      if (slow && !this.saidSlow) this.options.stream.write(`${text}\n`);
      this.saidWaiting = true;
      this.saidSlow ||= slow;
      return;
    }
    if (!this.spinner) this.spinner = yoctoSpinner({ stream: this.options.stream, text }).start();
    else if (this.spinner.text !== text) this.spinner.text = text;
  }
}

/** Progress on stderr for a command line: redrawn on a terminal, plain lines with NO_COLOR or TERM=dumb. */
export function stderrProgress(env: Record<string, string | undefined> = process.env): Progress {
  return new Progress({
    stream: process.stderr,
    plain: Boolean(env.NO_COLOR) || env.TERM === 'dumb',
  });
}
