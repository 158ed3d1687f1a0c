import dotenv from 'dotenv';
import { runBackup } from './backup-main.js';

// A local .env fills in what the environment leaves unset; quiet keeps dotenv's banner off stdout.
dotenv.config({ quiet: true });
process.exitCode = await runBackup(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
