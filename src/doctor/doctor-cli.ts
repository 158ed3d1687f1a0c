import { processIo } from '../cli/process-io.js';
import { stderrProgress } from '../cli/progress.js';
import { runDoctor } from './doctor-main.js';

process.exitCode = await runDoctor(process.argv.slice(2), {
  ...processIo,
  // A spinner on a terminal while Slack or LivePerson takes its time; nothing when piped.
  progress: stderrProgress(),
});
