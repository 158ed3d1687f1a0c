import { runLp } from './lp-main.js';
import { processIo } from './process-io.js';
import { stderrProgress } from './progress.js';

process.exitCode = await runLp(process.argv.slice(2), {
  ...processIo,
  stdin: process.stdin,
  progress: stderrProgress(),
});
