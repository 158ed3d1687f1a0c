import dotenv from 'dotenv';
import { runAudit } from './audit-main.js';
import { stderrProgress } from './progress.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
// A spinner on a terminal while a large audit trail is read; nothing when piped.
process.exitCode = await stderrProgress().run('Reading the audit trail', undefined, () =>
  runAudit(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }),
);
