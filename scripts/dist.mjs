// Runs one compiled entry point from dist/ (`node scripts/dist.mjs cli/audit.js --format json`), building
// first only when dist/ is missing or older than the sources, so `npm run -s audit`, `npm run -s doctor`
// and `npm start` answer at once on a host where `npm run build` already ran (a production host, a
// container) and still work on a fresh clone.
//
// "Older" is by modification time: dist/.built (written at the end of `npm run build`; tsc's incremental
// build leaves unchanged outputs untouched, so their own times say nothing) against the newest file or
// folder under src/ and the tsconfig files (a folder's time changes when a file in it is added or
// removed). When this script builds, it dates dist/.built back to when the build began, so a file saved
// during the build still counts as newer. The build's own output goes to stderr, so stdout carries
// only the command's output: `npm run -s audit > export.csv` stays a clean CSV even on the first run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time (ms) of `path` and, for a folder, of everything under it. */
function newest(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** True when `entry` (relative to dist/) is missing, or the last build is older than any source. */
function needsBuild(entry, root = ROOT) {
  const built = statSync(join(root, 'dist', '.built'), { throwIfNoEntry: false });
  if (!built || !existsSync(join(root, 'dist', entry))) return true;
  const sources = Math.max(
    newest(join(root, 'src')),
    newest(join(root, 'tsconfig.json')),
    newest(join(root, 'tsconfig.build.json')),
  );
  return sources > built.mtimeMs;
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('Usage: node scripts/dist.mjs <entry in dist/, e.g. cli/audit.js> [arguments…]\n');
  process.exit(2);
}
if (needsBuild(entry)) {
  process.stderr.write('lp-delete: building dist/ from src/ (once, after a change)…\n');
  // npm -s: no "> lp-delete@… build" banner; the build's stdout (tsc's errors) goes to our stderr.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const began = new Date();
  const build = spawnSync(npm, ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write(
      'lp-delete: the build failed (above); fix it, or run `npm run build` to see it again.\n',
    );
    process.exit(1);
  }
  utimesSync(join(ROOT, 'dist', '.built'), began, began);
}
// The entry reads its arguments from process.argv as if it had been started directly.
const file = join(ROOT, 'dist', entry);
process.argv = [process.argv[0] ?? 'node', file, ...args];
await import(pathToFileURL(file).href);
