import dotenv from 'dotenv';
import { runLp } from './lp-main.js';
import { stderrProgress } from './progress.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runLp(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  progress: stderrProgress(),
});
