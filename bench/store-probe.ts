/**
 * One store measurement in a fresh process (so its memory is the store's): start-up, then writes like
 * the app's (file a 100-id request, approve one) with the event loop watched, in two situations:
 * an ordinary day, and the first start of a new month (archiving and a new snapshot in the background).
 * Usage: tsx bench/store-probe.ts <data file> <now ISO>
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { archiveFolder } from '../src/store/archive.js';
import { Store, usageIn } from '../src/store/store.js';
import { ACCOUNT_ID, generatedRequest } from './history.js';
import { summarise } from './common.js';

const [file, nowIso] = process.argv.slice(2) as [string, string];
const WRITES = 300;

async function sizes(): Promise<{ hot: number; journal: number; archives: number; total: number }> {
  const names = await readdir(dirname(file));
  let hot = 0;
  let journal = 0;
  for (const n of names) {
    if (n === basename(file)) hot += (await stat(join(dirname(file), n))).size;
    else if (n.startsWith(`${basename(file)}.journal.`)) journal += (await stat(join(dirname(file), n))).size;
  }
  let archives = 0;
  for (const n of await readdir(archiveFolder(file)).catch(() => [] as string[])) {
    archives += (await stat(join(archiveFolder(file), n))).size;
  }
  return { hot, journal, archives, total: hot + journal + archives };
}

async function writes(store: Store, now: Date) {
  const latencies: number[] = [];
  const pending: string[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < WRITES; i += 1) {
    const started = performance.now();
    if (i % 2 === 0) {
      const request = generatedRequest(now, 'pending_approval');
      await store.transact((draft) => void (draft.requests[request.id] = request));
      pending.push(request.id);
    } else {
      const id = pending.shift() ?? '';
      await store.transact((draft) => {
        const r = draft.requests[id];
        if (!r || r.status !== 'pending_approval') return;
        usageIn(draft, ACCOUNT_ID, now.toISOString().slice(0, 7)).used += 1;
        r.status = 'submitting';
        r.decision = { outcome: 'approved', by: 'UAPPROVER', at: now.toISOString() };
        r.history.push({ at: now.toISOString(), event: 'approved', by: 'UAPPROVER' });
      });
    }
    latencies.push(performance.now() - started);
    // The app does other work between writes; let timers (and the delay monitor) run.
    await new Promise((r) => setImmediate(r));
  }
  loop.disable();
  return { write: summarise(latencies), stallMs: loop.max / 1e6 };
}

const now = new Date(nowIso);
const before = await sizes();
global.gc?.();
const baseline = process.memoryUsage();
const t0 = performance.now();
const store = await Store.open(file, { now: () => now });
const openMs = performance.now() - t0;
await store.flush();
global.gc?.();
const memory = process.memoryUsage();
const stored = store.listRequests().length;
const day = await writes(store, now);
await store.flush();

// The first start in the next month: the oldest hot month is archived and a new snapshot written,
// in the background, while writes go on.
const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
const t1 = performance.now();
const rolled = await Store.open(file, { now: () => nextMonth });
const rollOpenMs = performance.now() - t1;
const rollover = await writes(rolled, nextMonth);
await rolled.flush();
const maintenanceMs = performance.now() - t1;
// Reading every archive back (with checks) costs memory in proportion to history: done for the small sizes.
const all = process.argv[4] === 'all' ? (await rolled.allRequests()).length : null;
console.log(
  JSON.stringify({
    openMs,
    hotRequests: stored,
    allRequests: all,
    files: before,
    rssMb: memory.rss / 2 ** 20,
    heapMb: (memory.heapUsed - baseline.heapUsed) / 2 ** 20,
    day,
    rollover: { ...rollover, openMs: rollOpenMs, maintenanceMs },
  }),
);
