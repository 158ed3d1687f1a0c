import type { Clock } from '../domain/clock.js';
import type { CoreConfig } from '../config.js';
import type { LivePersonClientDeps } from '../liveperson/client.js';
import type { Progress } from './progress.js';

/** What the `lp` command line talks to (the process, or a test), and its exit codes. */

export interface LpIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /**
   * Where `create` reads its confirmation. Only a terminal (`isTTY`) is asked; without one (a pipe, a
   * script, no stdin at all) `create` needs --yes.
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Clock for the month shown by `check` (and the sandbox). */
  now?: Clock;
  /** Shows that LivePerson is being waited for (a spinner on a terminal); none in tests. */
  progress?: Pick<Progress, 'run'>;
  /** Extra client dependencies (tests: quicker retries). */
  clientDeps?: LivePersonClientDeps;
}

export const EXIT_OK = 0;
/** LivePerson refused or failed, or the person declined to file. */
export const EXIT_API_ERROR = 1;
/** A usage error: bad arguments, invalid ids, missing settings, or create without --yes off a terminal. */
export const EXIT_USAGE = 2;

/** What --json prints on stdout: the value, indented. */
export function writeJson(io: LpIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A usage error of a command line with options: what is wrong, a blank line, its usage; exit 2. */
export function wrongUsage(io: Pick<LpIo, 'stderr'>, message: string, usage: string): number {
  io.stderr.write(`${message}\n\n${usage}`);
  return EXIT_USAGE;
}

/** --json's answer when nothing was filed (create refused, declined or not recorded); `next` says what to do. */
export function nothingFiled(io: LpIo, code: string, next: string): void {
  writeJson(io, { ok: false, error: { code, what: 'Nothing was filed.', next } });
}

/** What a command runs with once the settings are loaded. */
export interface Context {
  config: CoreConfig;
  now: Clock;
  io: LpIo;
  json: boolean;
}
