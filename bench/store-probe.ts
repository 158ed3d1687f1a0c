/**
 * One store measurement in a fresh process (so its memory is the store's): start-up of the data folder
 * bench/history.ts wrote, then writes like the app's (file a 100-id request, approve one) with the event
 * loop watched, then `status` of a request from every month (one file read) and the audit of the
 * current month. Usage: tsx bench/store-probe.ts <data folder> <now ISO> <sample ids JSON>
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { auditExport } from '../src/audit/export.js';
import { openFileStore, type FileStore } from '../src/store/lowdb/file-store.js';
import { appLikeWrite } from './history.js';
import { summarise } from './common.js';

const [folder, nowIso, sampleJson] = process.argv.slice(2) as [string, string, string];
const WRITES = 300;

async function writes(store: FileStore, now: Date) {
  const latencies: number[] = [];
  const pending: string[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < WRITES; i += 1) {
    const started = performance.now();
    await appLikeWrite(store, i, now, pending);
    latencies.push(performance.now() - started);
    // The app does other work between writes; let timers (and the delay monitor) run.
    await new Promise((r) => setImmediate(r));
  }
  loop.disable();
  return { write: summarise(latencies), stallMs: loop.max / 1e6 };
}

const now = new Date(nowIso);
const sample = JSON.parse(sampleJson) as Record<string, string>;
global.gc?.();
const t0 = performance.now();
const store = await openFileStore(folder, { now: () => now });
const openMs = performance.now() - t0;
global.gc?.();
const memory = process.memoryUsage();
const open = (await store.listOpen()).length;
const day = await writes(store, now);

// `status` of a request from each month: the id names its month, so one small file is read.
const statusMs: number[] = [];
for (const id of Object.values(sample)) {
  const t = performance.now();
  const found = await store.get(id);
  statusMs.push(performance.now() - t);
  if (!found) throw new Error(`sample ${id} not found`);
}
const t1 = performance.now();
const audit = await auditExport(store, {
  month: now.toISOString().slice(0, 7),
  timeZone: 'UTC',
  format: 'csv',
  withIds: false,
});
const auditMs = performance.now() - t1;
await store.close();
console.log(
  JSON.stringify({
    openMs,
    open,
    rssMb: memory.rss / 2 ** 20,
    day,
    status: summarise(statusMs),
    auditMs,
    auditRows: audit.split('\r\n').length - 2,
  }),
);
