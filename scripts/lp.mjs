// `npm run lp -- …`. Without --sandbox: the built command line, dist/cli/lp.js, through scripts/dist.mjs
// (which builds first when dist/ is missing or older than src/), as `npm run audit` and the others do.
// With --sandbox: the LivePerson stand-in is not part of the product (it lives in sandbox/, and dist/
// holds only src/), so the same command line runs from source through tsx (scripts/lp-sandbox.ts), with
// the stand-in started in this process. Both run in this process: no second node to forward signals to.
import process from 'node:process';

const args = process.argv.slice(2);
// Options end at `--`; a "--sandbox" after it is an argument, not the option.
const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
if (options.includes('--sandbox')) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./lp-sandbox.ts');
} else {
  // scripts/dist.mjs reads `<entry> [arguments…]` from argv.
  process.argv.splice(2, 0, 'cli/lp.js');
  await import('./dist.mjs');
}
