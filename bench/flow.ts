/**
 * Whole flows against the real app: `/lp-delete` → the modal opens → submit 100 ids → the approval
 * message is posted → Approve → LivePerson → the record in the thread. The app's CPU per complete flow is
 * compared with the bare Bolt app's CPU per ack, measured in the same run.
 */
import { join, relative } from 'node:path';
import { Agent } from 'node:http';
import { child, ms, mb, summarise, type Child } from './common.js';
import {
  approveBody,
  drive,
  send,
  slashCommandBody,
  submissionBody,
  TriggerPool,
  type Kind,
} from './load.js';
import { summariseProfile } from './profile.js';

export interface FlowFigures {
  /** The bare Bolt app's CPU per ack (ms), by request kind and over all three. */
  bareAck: Record<Kind | 'all', number>;
  phases: {
    concurrency: number;
    flows: number;
    cpuPerFlowMs: number;
    systemPerFlowMs: number;
    /** Approve sent → the record reached the thread (ms). */
    toRecord: { p50: number; p99: number; max: number; n: number };
    failed: number;
  }[];
  /** CPU per flow over every measured flow, and in bare acks. */
  cpuPerFlowMs: number;
  bareAcksPerFlow: number;
  /** How the app child ran: through tsx (as `npm start` does today) or compiled to JavaScript. */
  runner: 'tsx' | 'compiled';
  /** Right after start-up, and after the flows (after a full GC: what stays). */
  rssAtStart: number;
  rssAfter: {
    flows: number;
    bytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    externalBytes: number;
  };
  profile?: { file: string; top: string[] };
}

interface Stats {
  cpuMs: number;
  /** The kernel's share (system time): syscalls, fsyncs, sockets. */
  systemMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

type App = Child<{ port: number }>;

/** Sends one command line to the app child and returns its JSON answer. */
async function ask<T>(app: App, line: string): Promise<T> {
  app.process.stdin!.write(`${line}\n`);
  return (await app.next()) as T;
}

const pause = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));

export async function runFlows(
  dir: string,
  options: { profile?: string; runner?: 'tsx' | 'compiled' } = {},
): Promise<FlowFigures> {
  const runner = options.runner ?? 'tsx';
  const standIn = child<{ slackUrl: string; lpUrl: string; controlUrl: string }>('stand-in.ts');
  const { slackUrl, lpUrl, controlUrl } = await standIn.ready;
  const gc = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() };
  const real: App = child('app-under-test.ts', ['real', slackUrl, lpUrl, join(dir, 'flow-data')], gc, runner);
  const bare: App = child(
    'app-under-test.ts',
    ['bare', slackUrl, lpUrl, join(dir, 'flow-data-bare')],
    gc,
    runner,
  );
  const ports = { real: (await real.ready).port, bare: (await bare.ready).port };
  await ask(real, 'gc');
  const rssAtStart = (await ask<Stats>(real, 'stats')).rssBytes;
  const triggers = new TriggerPool(controlUrl);
  await triggers.start();
  const control = async <T>(path: string): Promise<T> =>
    (await fetch(`${controlUrl}${path}`)).json() as Promise<T>;

  /** Waits until the app's CPU stops growing (its after-ack work and deliveries are done), at most 30 s. */
  const idle = async (app: App) => {
    let last = (await ask<Stats>(app, 'stats')).cpuMs;
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      await pause(300);
      const now = (await ask<Stats>(app, 'stats')).cpuMs;
      if (now - last < 3) return;
      last = now;
    }
  };

  try {
    // The bare app: CPU per ack for each of the three requests a flow sends.
    const bareAck = { command: 0, submission: 0, approve: 0, all: 0 };
    const submissions = Array.from({ length: 100 }, () => submissionBody());
    const bareBodies: Record<Kind, (i: number) => string> = {
      command: () => slashCommandBody(triggers.take()),
      submission: (i) => submissions[i % submissions.length] as string,
      approve: (i) => approveBody(`DR-B${i}`, `1.${i}`),
    };
    for (const kind of ['command', 'submission', 'approve'] as const)
      await drive(ports.bare, 2, 100, bareBodies[kind]);
    await idle(bare);
    const N = 300;
    for (const kind of ['command', 'submission', 'approve'] as const) {
      const before = await ask<Stats>(bare, 'stats');
      await drive(ports.bare, 1, N, bareBodies[kind]);
      const after = await ask<Stats>(bare, 'stats');
      bareAck[kind] = (after.cpuMs - before.cpuMs) / N;
    }
    bareAck.all = (bareAck.command + bareAck.submission + bareAck.approve) / 3;
    console.error(
      `  flow: bare ack CPU ${ms(bareAck.command, 2)} / ${ms(bareAck.submission, 2)} / ${ms(bareAck.approve, 2)} ms`,
    );

    // One complete flow, as a person would drive it; returns Approve → record (ms), or undefined on failure.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const flow = async (): Promise<number | undefined> => {
      if ((await send(agent, ports.real, slashCommandBody(triggers.take()))) !== 200) return undefined;
      if ((await send(agent, ports.real, submissionBody())) !== 200) return undefined;
      let approval: { requestId: string; ts: string } | undefined;
      for (const until = Date.now() + 10_000; !approval && Date.now() < until;) {
        [approval] = await control<{ requestId: string; ts: string }[]>('/approvals?n=1');
        if (!approval) await pause(5);
      }
      if (!approval) return undefined;
      const sent = Date.now();
      if ((await send(agent, ports.real, approveBody(approval.requestId, approval.ts))) !== 200)
        return undefined;
      for (const until = Date.now() + 15_000; Date.now() < until;) {
        const at = await control<number | null>(`/records?ts=${approval.ts}`);
        if (at) return at - sent;
        await pause(5);
      }
      return undefined;
    };
    let done = 0;
    const phase = async (concurrency: number, flows: number) => {
      const times: number[] = [];
      let failed = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < flows) {
            next += 1;
            const t = await flow();
            done += 1;
            if (t === undefined) failed += 1;
            else times.push(t);
          }
        }),
      );
      return { times, failed };
    };

    // Warm-up (JIT, connections, the data folder's first files), then the measured phases.
    // (60 flows: the JIT's compiler threads count in the process's CPU, and still work after 20.)
    await phase(4, 60);
    await idle(real);
    const phases: FlowFigures['phases'] = [];
    let cpuTotal = 0;
    let flowsTotal = 0;
    for (const [concurrency, flows] of [
      [1, 100],
      [8, 340],
    ] as const) {
      const before = await ask<Stats>(real, 'stats');
      const { times, failed } = await phase(concurrency, flows);
      await idle(real);
      const after = await ask<Stats>(real, 'stats');
      const cpu = after.cpuMs - before.cpuMs;
      cpuTotal += cpu;
      flowsTotal += flows;
      const systemPerFlowMs = (after.systemMs - before.systemMs) / flows;
      phases.push({
        concurrency,
        flows,
        cpuPerFlowMs: cpu / flows,
        systemPerFlowMs,
        toRecord: summarise(times),
        failed,
      });
      console.error(
        `  flow c=${concurrency}: ${ms(cpu / flows)} ms CPU per flow, Approve → record p99 ${ms(summarise(times).p99, 0)} ms, ${failed} failed`,
      );
    }
    await ask(real, 'gc');
    const end = await ask<Stats>(real, 'stats');
    const rssAfter = {
      flows: done,
      bytes: end.rssBytes,
      heapUsedBytes: end.heapUsedBytes,
      heapTotalBytes: end.heapTotalBytes,
      externalBytes: end.externalBytes,
    };
    const cpuPerFlowMs = cpuTotal / flowsTotal;
    const figures: FlowFigures = {
      bareAck,
      phases,
      cpuPerFlowMs,
      bareAcksPerFlow: cpuPerFlowMs / bareAck.all,
      runner,
      rssAtStart,
      rssAfter,
    };

    if (options.profile) {
      // Profiled separately, so the sampler's own cost stays out of the figures above.
      await ask(real, 'profile-start');
      await phase(4, 100);
      await idle(real);
      await ask(real, `profile-stop ${options.profile}`);
      figures.profile = { file: options.profile, top: await summariseProfile(options.profile) };
    }
    agent.destroy();
    return figures;
  } finally {
    triggers.stop();
    await Promise.all([real.stop(), bare.stop(), standIn.stop()]);
  }
}

/** The section's Markdown lines and its targets (issue 14). */
export function flowReport(f: FlowFigures): { lines: string[]; targets: { what: string; ok: boolean }[] } {
  const lines = [
    '## Whole flows',
    '',
    'Complete flows against the real app in its own process: `/lp-delete` (the modal opens) → submit 100 ids → the approval ' +
      'message is posted → Approve → LivePerson (sandbox over HTTP) → the record in the thread (fake Slack), each step ' +
      'sent when the previous one is visible, as a person would. CPU: `process.cpuUsage()` of the app process from before ' +
      "the flows until its after-ack work is done, per flow; a bare ack is the bare Bolt app's CPU per acknowledged " +
      `request in the same run (slash command ${ms(f.bareAck.command, 2)}, submission ${ms(f.bareAck.submission, 2)}, ` +
      `Approve ${ms(f.bareAck.approve, 2)} ms; mean ${ms(f.bareAck.all, 2)} ms). Approve → record: click sent → the thread post reached the fake Slack.`,
    '',
    '| flows at a time | flows | CPU per flow (ms) | of it in the kernel (ms) | in bare acks | Approve → record p50 / p99 / max (ms) | failed |',
    '| --: | --: | --: | --: | --: | --: | --: |',
    ...f.phases.map(
      (p) =>
        `| ${p.concurrency} | ${p.flows} | ${ms(p.cpuPerFlowMs)} | ${ms(p.systemPerFlowMs)} | ${ms(p.cpuPerFlowMs / f.bareAck.all)} | ` +
        `${ms(p.toRecord.p50, 0)} / ${ms(p.toRecord.p99, 0)} / ${ms(p.toRecord.max, 0)} | ${p.failed} |`,
    ),
    '',
    `Over all ${f.phases.reduce((n, p) => n + p.flows, 0)} measured flows: ${ms(f.cpuPerFlowMs)} ms of CPU per flow, ` +
      `${ms(f.bareAcksPerFlow)} bare acks. The app's memory (RSS, after a full GC): ${mb(f.rssAtStart)} after start-up, ` +
      `${mb(f.rssAfter.bytes)} after ${f.rssAfter.flows} flows (JavaScript heap ${mb(f.rssAfter.heapUsedBytes)} in use of ${mb(f.rssAfter.heapTotalBytes)}, buffers ${mb(f.rssAfter.externalBytes)}). ` +
      (f.runner === 'tsx'
        ? 'The app ran through tsx, as `npm start` runs it today.'
        : 'The app ran compiled to JavaScript by tsc (`node`, no tsx), as `npm start` will once it runs a build.'),
    '',
  ];
  if (f.profile) {
    lines.push(
      `CPU profile of 100 more flows, 4 at a time (\`${relative(process.cwd(), f.profile.file)}\`; open it in Chrome's DevTools), top self time:`,
      '',
      ...f.profile.top,
      '',
    );
  }
  const eight = f.phases.find((p) => p.concurrency === 8);
  const targets = [
    {
      what: `one complete flow costs at most 12 bare acks of CPU (${ms(f.bareAcksPerFlow)}: ${ms(f.cpuPerFlowMs)} vs ${ms(f.bareAck.all, 2)} ms)`,
      ok: f.bareAcksPerFlow <= 12,
    },
    {
      what: `Approve → record p99 with 8 flows at a time under 250 ms (${ms(eight?.toRecord.p99 ?? NaN, 0)} ms)`,
      ok: (eight?.toRecord.p99 ?? Infinity) < 250,
    },
    {
      what: `RSS after ${f.rssAfter.flows} flows under 120 MB (${mb(f.rssAfter.bytes)}, app ${f.runner === 'tsx' ? 'through tsx' : 'compiled'})`,
      ok: f.rssAfter.bytes < 120 * 2 ** 20,
    },
  ];
  return { lines, targets };
}
