/**
 * `npm run bench`: store cost as history grows, ack latency against bare Bolt, and time from Approve to
 * the record in the thread. Prints the tables and writes them to docs/benchmarks.md.
 * Everything runs on 127.0.0.1 in child processes; `--quick` stores 1 year of history instead of 10.
 * `--only=store,ack,postgres,person,flow` runs some sections and prints them without touching docs/benchmarks.md;
 * `--profile[=file]` also writes a CPU profile of whole flows (default bench/flow.cpuprofile) and lists its
 * top self-time functions; `--compiled` runs the app of the flow section compiled by tsc rather than
 * through tsx (the default follows `npm start`).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { flowReport, runFlows } from './flow.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, compileForBench, cpuMsOfTree, machine, mb, ms } from './common.js';
import { monthStart, PER_MONTH, writeHistory } from './history.js';
import { postgresSection } from './postgres.js';
import { personSearchSection } from './person-search.js';
import {
  approveBody,
  drive,
  send,
  slashCommandBody,
  submissionBody,
  TriggerPool,
  type Kind,
} from './load.js';
import { Agent } from 'node:http';

interface Probe {
  openMs: number;
  open: number;
  rssMb: number;
  day: { write: { p50: number; p99: number; max: number }; stallMs: number };
  status: { p50: number; p99: number; max: number; n: number };
  auditMs: number;
  auditRows: number;
}

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const runs = (section: string) => !only || only.has(section);
const profileArg = process.argv.find((a) => a === '--profile' || a.startsWith('--profile='));
const profileFile = profileArg
  ? profileArg.includes('=')
    ? profileArg.slice('--profile='.length)
    : fileURLToPath(new URL('./flow.cpuprofile', import.meta.url))
  : undefined;
const startedAt = new Date();
const began = performance.now();
const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
const dir = await mkdtemp(join(tmpdir(), 'lp-delete-bench-'));
const file = join(dir, 'data');

async function storeSection(): Promise<void> {
  const folder = join(dir, 'store-bench');
  const now = new Date(monthStart(startedAt, 0).getTime() + 27 * 86_400_000);
  const shape = { finishedMonths: quick ? 12 : 120, perFinishedMonth: 100, currentPerMonth: PER_MONTH };
  const t = performance.now();
  const written = await writeHistory(folder, now, shape);
  console.error(
    `  store: ${written.files} request files written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const probe = child<Probe>('store-probe.ts', [folder, now.toISOString(), JSON.stringify(written.sample)], {
    NODE_OPTIONS: '--expose-gc',
  });
  const p = await probe.ready;
  await probe.stop();
  const label = `${shape.finishedMonths / 12} years of finished months + a ${PER_MONTH}-request month`;
  targets.push(
    { what: `${label}: write p99 under 10 ms (${ms(p.day.write.p99)} ms)`, ok: p.day.write.p99 < 10 },
    { what: `${label}: no event-loop stall over 20 ms (${ms(p.day.stallMs)} ms)`, ok: p.day.stallMs <= 20 },
    { what: `${label}: start-up under 1 s (${ms(p.openMs, 0)} ms)`, ok: p.openMs < 1000 },
    {
      what: `${label}: status of a request from any month under 50 ms (max ${ms(p.status.max)} ms)`,
      ok: p.status.max < 50,
    },
    {
      what: `${label}: audit of the ${PER_MONTH}-request month under 500 ms (${ms(p.auditMs, 0)} ms)`,
      ok: p.auditMs < 500,
    },
  );
  say('## Store (lowdb JSON files, one per request)');
  say();
  say(
    `A data folder holding ${(shape.finishedMonths / 12).toFixed(0)} years of finished months (${shape.perFinishedMonth} requests a month, LivePerson's default quota) ` +
      `and a current month of ${PER_MONTH.toLocaleString('en')} requests (ten times it), 100 ids each: ${written.files.toLocaleString('en')} files, ${mb(written.bytes)}. ` +
      'Writes: 300 in a row, alternately filing a 100-id request and approving one (under the quota lock), each with its notices, as the app does. ' +
      'Status: one request from every month looked up by its id. Audit: the CSV export of the current month. ' +
      'Stall: longest event-loop delay during the writes. Memory: after start-up, in a fresh process.',
  );
  say();
  say(
    '| start-up (ms) | open requests | write p50 / p99 (ms) | stall (ms) | status p50 / max (ms) | audit month (ms) | memory (RSS) |',
  );
  say('| --: | --: | --: | --: | --: | --: | --: |');
  say(
    `| ${ms(p.openMs, 0)} | ${p.open} | ${ms(p.day.write.p50, 2)} / ${ms(p.day.write.p99)} | ${ms(p.day.stallMs)} | ` +
      `${ms(p.status.p50, 2)} / ${ms(p.status.max)} | ${ms(p.auditMs, 0)} (${p.auditRows} rows) | ${p.rssMb.toFixed(0)} MB |`,
  );
  say();
}

interface AckRow {
  kind: Kind;
  c: number;
  bare: Awaited<ReturnType<typeof drive>>;
  real: Awaited<ReturnType<typeof drive>>;
  /** CPU ms per request, the app process alone: bare while acking; lp-delete until its after-ack work is done. */
  cpu: { bare?: number; real?: number };
}

async function ackSection(): Promise<void> {
  const standIn = child<{ slackUrl: string; lpUrl: string; controlUrl: string }>('stand-in.ts');
  const { slackUrl, lpUrl, controlUrl } = await standIn.ready;
  const real = child<{ port: number }>('app-under-test.ts', ['real', slackUrl, lpUrl, file]);
  const bare = child<{ port: number }>('app-under-test.ts', ['bare', slackUrl, lpUrl, file]);
  const ports = { real: (await real.ready).port, bare: (await bare.ready).port };
  const triggers = new TriggerPool(controlUrl);
  await triggers.start();
  const control = async <T>(path: string): Promise<T> =>
    (await fetch(`${controlUrl}${path}`)).json() as Promise<T>;
  const approvals = async (n: number) => {
    const got: { requestId: string; ts: string }[] = [];
    const until = Date.now() + 10_000;
    while (got.length < n && Date.now() < until) {
      got.push(...(await control<{ requestId: string; ts: string }[]>(`/approvals?n=${n - got.length}`)));
      if (got.length < n) await new Promise((r) => setTimeout(r, 100));
    }
    return got;
  };
  /** Waits until the stand-ins see no new calls for 400 ms (at most 30 s). */
  const settle = async () => {
    let last = -1;
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const now = await control<number>('/activity');
      if (now === last) return;
      last = now;
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  const amounts: Record<number, number> = { 1: 100, 10: 300, 50: 500 };
  const rows: AckRow[] = [];
  const body = async (kind: Kind, app: 'real' | 'bare', n: number): Promise<(i: number) => string> => {
    if (kind === 'command') return () => slashCommandBody(triggers.take());
    if (kind === 'submission') {
      const bodies = Array.from({ length: Math.min(n, 200) }, () => submissionBody());
      return (i) => bodies[i % bodies.length] as string;
    }
    const list =
      app === 'real'
        ? await approvals(n)
        : Array.from({ length: n }, (_, i) => ({ requestId: `DR-B${i}`, ts: `1.${i}` }));
    return (i) => {
      const a = list[i % list.length] ?? { requestId: 'DR-NONE', ts: '1.1' };
      return approveBody(a.requestId, a.ts);
    };
  };
  // Warm both up (JIT, connections, the store's first writes).
  for (const app of ['bare', 'real'] as const) {
    await drive(ports[app], 5, 100, () => slashCommandBody(triggers.take()));
    const b = await body('submission', app, 50);
    await drive(ports[app], 5, 50, b);
  }
  await settle();
  // The real app may still be folding its journal or archiving (100k requests): wait until it is idle, so
  // its CPU column counts only the requests.
  for (let last = cpuMsOfTree(real.process.pid) ?? 0, until = Date.now() + 60_000; Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuMsOfTree(real.process.pid) ?? 0;
    if (now - last < 20) break;
    last = now;
  }
  for (const kind of ['command', 'submission', 'approve'] as const) {
    for (const c of [1, 10, 50]) {
      const n = amounts[c] as number;
      const bareBody = await body(kind, 'bare', n);
      const bareCpu0 = cpuMsOfTree(bare.process.pid);
      const bareResult = await drive(ports.bare, c, n, bareBody);
      const bareCpu1 = cpuMsOfTree(bare.process.pid);
      const realBody = await body(kind, 'real', n);
      const realCpu0 = cpuMsOfTree(real.process.pid);
      const realResult = await drive(ports.real, c, n, realBody);
      // Let the real app finish the work it does after acking (posts, submissions): its CPU counts too.
      await settle();
      const realCpu1 = cpuMsOfTree(real.process.pid);
      const perRequest = (a?: number, b?: number) =>
        a === undefined || b === undefined ? undefined : (b - a) / n;
      rows.push({
        kind,
        c,
        bare: bareResult,
        real: realResult,
        cpu: { bare: perRequest(bareCpu0, bareCpu1), real: perRequest(realCpu0, realCpu1) },
      });
      console.error(
        `  ack ${kind} c=${c}: bare p99 ${ms(bareResult.p99, 2)} ms, real p99 ${ms(realResult.p99, 2)} ms`,
      );
    }
  }

  // Approve → record in the thread, one at a time.
  const agent = new Agent({ keepAlive: true });
  const toRecord: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    await settle();
    await send(agent, ports.real, submissionBody());
    const [a] = await approvals(1);
    if (!a) continue;
    const sent = Date.now();
    await send(agent, ports.real, approveBody(a.requestId, a.ts));
    for (const until = Date.now() + 10_000; Date.now() < until;) {
      const at = await control<number | null>(`/records?ts=${a.ts}`);
      if (at) {
        toRecord.push(at - sent);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  agent.destroy();
  triggers.stop();
  await Promise.all([real.stop(), bare.stop(), standIn.stop()]);

  const label: Record<Kind, string> = {
    command: '`/lp-delete` (opens the modal, fresh trigger each)',
    submission: 'modal submission (valid, 100 ids: stored before the ack)',
    approve: 'Approve click (a different pending request each)',
  };
  say('## Ack latency: lp-delete against a bare Bolt app');
  say();
  say(
    'Signed requests over keep-alive HTTP from a separate process; the app under test, the bare Bolt app (same signing secret, ' +
      'acks the same requests, nothing else) and the Slack/LivePerson stand-ins each in their own process; both apps measured in this run, ' +
      'bare first. lp-delete runs on a data folder of its own, empty at the start, and acks while filing, posting and submitting in the background.',
  );
  say();
  say(
    '| request | concurrency | bare p50 / p99 (ms) | lp-delete p50 / p99 (ms) | p99 ratio | lp-delete req/s | CPU per request bare / lp-delete (ms) | errors |',
  );
  say('| --- | --: | --: | --: | --: | --: | --: | --: |');
  for (const r of rows) {
    const ratio = r.real.p99 / r.bare.p99;
    say(
      `| ${label[r.kind]} | ${r.c} | ${ms(r.bare.p50, 2)} / ${ms(r.bare.p99, 2)} | ${ms(r.real.p50, 2)} / ${ms(r.real.p99, 2)} | ${ratio.toFixed(2)}× | ${r.real.rps.toFixed(0)} | ${ms(r.cpu.bare ?? NaN, 2)} / ${ms(r.cpu.real ?? NaN, 2)} | ${r.real.errors + r.bare.errors} |`,
    );
  }
  if (triggers.stale > 0)
    say(`\n(${triggers.stale} slash commands had no fresh trigger left in the pool and used a stale one.)`);
  say();
  const sorted = [...toRecord].sort((a, b) => a - b);
  say('## From Approve to the record in the thread');
  say();
  say(
    `${sorted.length} approvals one after another (LivePerson sandbox over HTTP, fake Slack): p50 ${sorted[Math.floor(sorted.length / 2)] ?? '–'} ms, ` +
      `max ${sorted.at(-1) ?? '–'} ms (click sent → the fake Slack received the thread post).`,
  );
  say();
  targets.push(
    ...rows
      .filter((r) => r.c === 50)
      .map((r) => ({
        what: `ack p99 at concurrency 50 within 1.25× of bare Bolt, ${label[r.kind]}: ${ms(r.real.p99)} vs ${ms(r.bare.p99)} ms (${(r.real.p99 / r.bare.p99).toFixed(2)}×)`,
        ok: r.real.p99 <= 1.25 * r.bare.p99,
      })),
  );
}

const targets: { what: string; ok: boolean }[] = [];
try {
  if (runs('store')) await storeSection();
  if (runs('ack')) await ackSection();
  if (runs('postgres')) {
    // PostgreSQL beside the file store (one line saying it was skipped when no server is reachable).
    const postgres = await postgresSection({ quick });
    for (const line of postgres.lines) say(line);
    targets.push(...postgres.targets);
  }
  if (runs('person')) {
    const person = await personSearchSection({ quick });
    for (const line of person.lines) say(line);
    targets.push(...person.targets);
  }
  if (runs('flow')) {
    // The app child runs as `npm start` does: through tsx, or compiled once `npm start` runs compiled JS.
    const start = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      scripts: { start: string };
    };
    const wantCompiled = process.argv.includes('--compiled') || !start.scripts.start.startsWith('tsx');
    const runner = wantCompiled && (await compileForBench()) ? 'compiled' : 'tsx';
    if (wantCompiled && runner === 'tsx') console.error('  flow: tsc failed; the app runs through tsx');
    const report = flowReport(
      await runFlows(dir, { runner, ...(profileFile ? { profile: profileFile } : {}) }),
    );
    for (const line of report.lines) say(line);
    targets.push(...report.targets);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
say('## Targets (issues 6, 14 and 19)');
say();
for (const t of targets) say(`- ${t.ok ? 'holds' : '**does not hold**'}: ${t.what}`);
say();
if (targets.some((t) => !t.ok && t.what.startsWith('ack p99'))) {
  say(
    'Why the ack targets do not hold, as far as these runs show: the store is not what delays the acks (its writes take 2 ms at p50 and the ' +
      'event loop never stalls long, table above). lp-delete acks first, but then does its real work — a 100-id approval ' +
      'message and DM, LivePerson calls, thread posts, store writes — on the same event loop, so at concurrency the next ' +
      'requests queue behind that work; a bare Bolt app has none. The CPU column measures it: per request, lp-delete ' +
      'spends several times the CPU of a bare ack (the whole job, not just the ack), and the load is closed-loop (each ' +
      'of the 50 clients sends its next request when the last is answered), so once the cores are saturated every ' +
      'answer waits in proportion to that CPU: the p99 ratio at concurrency 50 tracks the CPU ratio, not the ack path. On this 2-core machine the driver, both apps and the ' +
      'stand-ins (whose Block Kit checks are themselves costly) also share the cores, which widens every tail. Meeting ' +
      '1.25× would mean moving the after-ack work off the ack path (a worker, or a paced outbox), not a faster store. ' +
      "Tails at concurrency 50 also vary a lot between runs here (bare Bolt's own p99 too), so a single ratio is not conclusive either way.",
  );
  say();
}
// The record of what issue 14 changed, kept by hand (earlier runs cannot be regenerated).
say((await readFile(new URL('./before-after.md', import.meta.url), 'utf8')).trimEnd());
const seconds = ((performance.now() - began) / 1000).toFixed(0);
const header = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\`${quick ? ' --quick' : ''} on ${startedAt.toISOString().slice(0, 10)} in ${seconds} s.`,
  '',
  `Machine: ${machine()}.`,
  '',
];
if (only) {
  console.log(`\n(--only: docs/benchmarks.md left as it was; ${seconds} s)`);
} else {
  await writeFile(new URL('../docs/benchmarks.md', import.meta.url), `${[...header, ...out].join('\n')}\n`);
  console.log(`\nwritten to docs/benchmarks.md (${seconds} s)`);
}
