import { runBackup } from './backup-main.js';
import { processIo } from './process-io.js';

process.exitCode = await runBackup(process.argv.slice(2), processIo);
