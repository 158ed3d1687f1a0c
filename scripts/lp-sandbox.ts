import { startCliSandbox } from '../sandbox/cli-sandbox.js';
import { runLp } from '../src/cli/lp-main.js';
import { processIo } from '../src/cli/process-io.js';
import { stderrProgress } from '../src/cli/progress.js';

// `npm run lp -- … --sandbox` (started by scripts/lp.mjs under tsx): src/cli/lp.ts's command line, from
// source, handed the LivePerson stand-in (sandbox/cli-sandbox.ts), which the built CLI does not hold. The
// stand-in replaces every LivePerson URL and credential that the environment (and .env) would give.
process.exitCode = await runLp(
  process.argv.slice(2),
  { ...processIo, stdin: process.stdin, progress: stderrProgress() },
  startCliSandbox,
);
