/** Shared helpers for the benchmark scripts: percentiles, the machine, child processes. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function summarise(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    n: sorted.length,
  };
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}`;
}

export const ms = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

export interface Child<T> {
  process: ChildProcess;
  /** The first JSON line the child printed. */
  ready: Promise<T>;
  /** Every later JSON line. */
  next(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Where `compileForBench` puts the JavaScript: under node_modules, so git, eslint and prettier skip it. */
const COMPILED = new URL('../node_modules/.cache/lp-delete-bench/', import.meta.url);

/**
 * Compiles src/ and bench/ with tsc to plain JavaScript, for a child run the way `node dist/…` would run
 * it (no tsx loader thread, no on-the-fly transform). Returns false when tsc fails.
 */
export async function compileForBench(): Promise<boolean> {
  const tsc = fileURLToPath(new URL('../node_modules/.bin/tsc', import.meta.url));
  const project = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  try {
    await promisify(execFile)(tsc, ['-p', project, '--noEmit', 'false', '--outDir', fileURLToPath(COMPILED)]);
  } catch {
    return false;
  }
  // node_modules ends the search for a package scope: say the output is ESM here.
  await writeFile(new URL('package.json', COMPILED), '{ "type": "module" }\n');
  return true;
}

/**
 * Runs `bench/<script>` in its own process (with tsx, or with node from compileForBench's output); it
 * reports by printing JSON lines on stdout.
 */
export function child<T>(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  runner: 'tsx' | 'compiled' = 'tsx',
): Child<T> {
  const command =
    runner === 'tsx'
      ? [tsx, fileURLToPath(new URL(script, import.meta.url))]
      : [process.execPath, fileURLToPath(new URL(`bench/${script.replace(/\.ts$/, '.js')}`, COMPILED))];
  const proc = spawn(command[0] as string, [...command.slice(1), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: proc.stdout! });
  const queue: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  let failed: Error | undefined;
  const failAll = (error: Error) => {
    failed = error;
    for (const w of waiters.splice(0)) w(Promise.reject(error));
  };
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const value = JSON.parse(line) as unknown;
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  });
  proc.on('exit', (code) => failAll(new Error(`${script} exited with ${code}`)));
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift())
      : failed
        ? Promise.reject(failed)
        : new Promise<unknown>((resolve) => waiters.push(resolve));
  return {
    process: proc,
    ready: next() as Promise<T>,
    next,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * CPU time (user + system, ms) used so far by a process and all its descendants, from /proc (Linux).
 * tsx runs the script in a child node process, so the tree is summed. Undefined where /proc is missing.
 */
export function cpuMsOfTree(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (clock ticks, 100/s).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = (Number(fields[11]) + Number(fields[12])) * 10;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) ms += cpuMsOfTree(Number(child)) ?? 0;
    }
    return ms;
  } catch {
    return undefined;
  }
}
