import dotenv from 'dotenv';
import { startCliSandbox } from '../sandbox/cli-sandbox.js';
import { runLp } from '../src/cli/lp-main.js';
import { stderrProgress } from '../src/cli/progress.js';

// `npm run lp -- … --sandbox` (started by scripts/lp.mjs under tsx): src/cli/lp.ts's command line, from
// source, handed the LivePerson stand-in (sandbox/cli-sandbox.ts), which the built CLI does not hold.
// A local .env fills in what the environment leaves unset (the stand-in replaces every LivePerson URL and
// credential); quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runLp(
  process.argv.slice(2),
  {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    progress: stderrProgress(),
  },
  startCliSandbox,
);
