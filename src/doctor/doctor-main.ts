import { parseArgs } from 'node:util';
import { wrongUsage, type LpIo } from '../cli/lp-io.js';
import { errorMessage } from '../domain/error-code.js';
import { plural } from '../slack/format.js';
import { runChecks, type DoctorDeps } from './doctor.js';
import type { CheckResult } from './result.js';

/**
 * `npm run -s doctor`: checks the whole set-up (configuration, Slack, LivePerson, the data file) and prints
 * one line per check, with the fix for each failure. All logic lives here so tests run it in-process.
 */

export type DoctorIo = DoctorDeps & Pick<LpIo, 'env' | 'stdout' | 'stderr'>;

export const DOCTOR_USAGE = `Usage: npm run -s doctor [-- --json]

Checks the configuration, the Slack token, the bot's membership of the privacy channel, the approver
and requester groups, LivePerson's domain look-up and credentials, and the data file.
Prints one line per check (OK, WARN, SKIP or FAIL, with what to do). Exit code 0 when every check
passes (warnings included), 1 otherwise, 2 on a usage error.

Options:
  --json      Machine-readable output on stdout
  --help      Show this help
`;

export async function runDoctor(argv: readonly string[], io: DoctorIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return wrongUsage(io, errorMessage(err), DOCTOR_USAGE);
  }
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  let results: CheckResult[];
  try {
    results = await runChecks(io.env, io);
  } catch (err) {
    io.stderr.write(`The doctor itself failed: ${errorMessage(err)}\n`);
    return 1;
  }
  const allOk = results.every((r) => r.ok);
  if (values.json) io.stdout.write(`${JSON.stringify({ ok: allOk, checks: results }, null, 2)}\n`);
  else io.stdout.write(formatResults(results));
  return allOk ? 0 : 1;
}

/** `OK   <name>  <detail>` / `FAIL <name>  <detail> → <fix>`, names aligned; a summary line last. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const status = r.skipped ? 'SKIP' : !r.ok ? 'FAIL' : r.warning ? 'WARN' : 'OK';
    const fix = r.fix && (!r.ok || r.warning) ? ` → ${r.fix}` : '';
    return `${status.padEnd(4)} ${r.name.padEnd(width)}  ${r.detail}${fix}`;
  });
  const failed = results.filter((r) => !r.ok && !r.skipped).length;
  const skipped = results.filter((r) => r.skipped).length;
  const warnings = results.filter((r) => r.ok && r.warning).length;
  const summary =
    failed + skipped === 0
      ? `Everything checked is in order${warnings > 0 ? ` (${plural(warnings, 'warning')} above)` : ''}.`
      : `${plural(failed, 'problem')} to fix` +
        (skipped > 0 ? `; ${plural(skipped, 'check')} skipped until then` : '') +
        '.' +
        (results.some((r) => r.name === 'configuration' && !r.ok)
          ? '\nSettings go in .env or the environment; .env.example explains each one.'
          : '');
  return `${lines.join('\n')}\n\n${summary}\n`;
}
