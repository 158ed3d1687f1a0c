import { runAudit } from './audit-main.js';
import { processIo } from './process-io.js';
import { stderrProgress } from './progress.js';

// A spinner on a terminal while a large audit trail is read; nothing when piped.
process.exitCode = await stderrProgress().run('Reading the audit trail', undefined, () =>
  runAudit(process.argv.slice(2), processIo),
);
