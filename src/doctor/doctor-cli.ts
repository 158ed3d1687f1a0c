import dotenv from 'dotenv';
import { stderrProgress } from '../cli/progress.js';
import { runDoctor } from './doctor-main.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runDoctor(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  // A spinner on a terminal while Slack or LivePerson takes its time; nothing when piped.
  progress: stderrProgress(),
});
