/**
 * One contender for a data folder's lock, as a process of its own (test/reliability/one-writer.test.ts):
 * `lock-racer.ts <folder>` prints `ready`, waits for a line on stdin (the test sends it to every
 * contender at once), tries the lock, prints `won` or `refused <code>`, and a winner holds it until
 * killed, printing `lost` should it ever find another holder.
 */
import { errorCode } from '../../src/domain/error-code.js';
import { acquireFolderLock } from '../../src/store/lowdb/folder-lock.js';

const [folder] = process.argv.slice(2);
if (!folder) throw new Error('usage: lock-racer.ts <folder>');
// Started (tsx loaded), waiting for the word: several contenders then race within a millisecond or so.
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
try {
  const lock = await acquireFolderLock(folder, {
    staleMs: 1_000,
    onLost: () => console.log('lost'),
  });
  console.log('won');
  setInterval(() => {
    lock.assertHeld().catch(() => undefined);
  }, 100);
} catch (error) {
  console.log(`refused ${errorCode(error)}`);
  process.exit(0);
}
