/**
 * `npm run bench`: store cost as history grows, ack latency against bare Bolt, and time from Approve to
 * the record in the thread. Prints the tables and writes them to docs/benchmarks.md.
 * Everything runs on 127.0.0.1 in child processes; `--quick` stops the store part at 10k requests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, cpuMsOfTree, machine, mb, ms } from './common.js';
import { growHistory, monthStart, PER_MONTH } from './history.js';
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
  hotRequests: number;
  allRequests: number | null;
  files: { hot: number; journal: number; archives: number; total: number };
  rssMb: number;
  heapMb: number;
  day: { write: { p50: number; p99: number; max: number }; stallMs: number };
  rollover: {
    write: { p50: number; p99: number; max: number };
    stallMs: number;
    openMs: number;
    maintenanceMs: number;
  };
}

const quick = process.argv.includes('--quick');
const startedAt = new Date();
const began = performance.now();
const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
const dir = await mkdtemp(join(tmpdir(), 'lp-delete-bench-'));
const file = join(dir, 'data', 'lp-delete.json');

async function storeSection(): Promise<void> {
  const totalMonths = 100;
  const first = monthStart(startedAt, -(totalMonths - 1));
  const checkpoints = (quick ? [1, 10] : [1, 10, 100]).map((months) => months);
  let done = 0;
  const rows: string[] = [];
  for (const months of checkpoints) {
    const t = performance.now();
    await growHistory(file, monthStart(first, done), months - done);
    const generatedS = (performance.now() - t) / 1000;
    done = months;
    const now = new Date(monthStart(first, months - 1).getTime() + 27 * 86_400_000);
    const probe = child<Probe>('store-probe.ts', [file, now.toISOString(), months <= 10 ? 'all' : ''], {
      NODE_OPTIONS: '--expose-gc',
    });
    const p = await probe.ready;
    await probe.stop();
    const stored = months * PER_MONTH;
    rows.push(
      `| ${stored.toLocaleString('en')} | ${p.hotRequests.toLocaleString('en')} | ${ms(p.day.write.p50, 2)} / ${ms(p.day.write.p99)} | ${ms(p.day.stallMs)} | ` +
        `${ms(p.rollover.write.p50, 2)} / ${ms(p.rollover.write.p99)} | ${ms(p.rollover.stallMs)} | ` +
        `${mb(p.files.hot)} + ${mb(p.files.journal)} journal + ${mb(p.files.archives)} archives | ${ms(p.openMs, 0)} | ${p.rssMb.toFixed(0)} MB (heap +${p.heapMb.toFixed(0)} MB) |`,
    );
    if (months === checkpoints.at(-1)) {
      const label = `${stored.toLocaleString('en')} stored`;
      targets.push(
        {
          what: `${label}: no event-loop stall over 20 ms (ordinary day ${ms(p.day.stallMs)} ms, month rollover ${ms(p.rollover.stallMs)} ms)`,
          ok: Math.max(p.day.stallMs, p.rollover.stallMs) <= 20,
        },
        {
          what: `${label}: write p99 under 10 ms (ordinary day ${ms(p.day.write.p99)} ms, month rollover ${ms(p.rollover.write.p99)} ms)`,
          ok: Math.max(p.day.write.p99, p.rollover.write.p99) < 10,
        },
        { what: `${label}: start-up under 1 s (Store.open ${ms(p.openMs, 0)} ms)`, ok: p.openMs < 1000 },
      );
    }
    console.error(
      `  store: ${stored} requests generated in ${generatedS.toFixed(1)} s, probed (all=${p.allRequests ?? 'not read'})`,
    );
  }
  say('## Store cost as history grows');
  say();
  say(
    `Generated through the real Store, ${PER_MONTH.toLocaleString('en')} requests a month (ten times LivePerson's default quota), ` +
      "100 ids each, ~85 % submitted with LivePerson's record (which echoes the ids), the rest rejected, failed or (this month) pending. " +
      'Writes: 300 in a row, alternately filing a 100-id request and approving one, as the app does. ' +
      '"Rollover" is the first start in a new month: the oldest hot month is archived and a new snapshot written in the background while the writes run. ' +
      'Stall: longest event-loop delay during the writes (perf_hooks.monitorEventLoopDelay). Memory: after Store.open, in a fresh process.',
  );
  say();
  say(
    '| stored requests | hot | write p50 / p99 (ms) | stall (ms) | rollover write p50 / p99 (ms) | rollover stall (ms) | files | Store.open (ms) | memory (RSS) |',
  );
  say('| --: | --: | --: | --: | --: | --: | --- | --: | --: |');
  for (const r of rows) say(r);
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
      `bare first. lp-delete runs on the store generated above (${quick ? '10k' : '100k'} requests), so it acks while filing, posting and submitting in the background.`,
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
  await storeSection();
  await ackSection();
} finally {
  await rm(dir, { recursive: true, force: true });
}
say('## Targets (issue 6)');
say();
for (const t of targets) say(`- ${t.ok ? 'holds' : '**does not hold**'}: ${t.what}`);
say();
if (targets.some((t) => !t.ok)) {
  say(
    'Why, as far as these runs show: the store is not what delays the acks (its writes take 1–2 ms at p50 and the ' +
      'event loop never stalls long, table above). lp-delete acks first, but then does its real work — a 100-id approval ' +
      'message and DM, LivePerson calls, thread posts, store writes — on the same event loop, so at concurrency the next ' +
      'requests queue behind that work; a bare Bolt app has none. The CPU column measures it: per request, lp-delete ' +
      'spends several times the CPU of a bare ack (the whole job, not just the ack), and the load is closed-loop (each ' +
      'of the 50 clients sends its next request when the last is answered), so once the cores are saturated every ' +
      'answer waits in proportion to that CPU: the p99 ratio at concurrency 50 tracks the CPU ratio, not the ack path. On this 2-core machine the driver, both apps and the ' +
      'stand-ins (whose Block Kit checks are themselves costly) also share the cores, which widens every tail. Meeting ' +
      '1.25× would mean moving the after-ack work off the ack path (a worker, or a paced outbox), not a faster store. ' +
      "Tails at concurrency 50 also vary a lot between runs here (bare Bolt's own p99 too), so a single ratio is not conclusive either way. A " +
      'write p99 over 10 ms at month rollover comes from fsync tails while the archive and the new snapshot are written ' +
      'in the background on the same disk.',
  );
  say();
}
const seconds = ((performance.now() - began) / 1000).toFixed(0);
const header = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\`${quick ? ' --quick' : ''} on ${startedAt.toISOString().slice(0, 10)} in ${seconds} s.`,
  '',
  `Machine: ${machine()}.`,
  '',
];
await writeFile(new URL('../docs/benchmarks.md', import.meta.url), `${[...header, ...out].join('\n')}\n`);
console.log(`\nwritten to docs/benchmarks.md (${seconds} s)`);
