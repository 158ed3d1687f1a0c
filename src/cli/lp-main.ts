import { systemClock, type Clock } from '../domain/clock.js';
import { loadCoreConfig, type CoreConfig } from '../config.js';
import { createLivePersonClient, type LivePersonClient } from '../liveperson/client.js';
import { HELP_POINTER, LP_USAGE, parseCommandLine, type Parsed } from './lp-args.js';
import { prepareCreate } from './lp-create.js';
import { execute, reportFailure } from './lp-execute.js';
import { EXIT_OK, EXIT_USAGE, type Context, type LpIo } from './lp-io.js';
import { recordedCreate } from './lp-record.js';

/**
 * `npm run -s lp -- <command>`: talk to LivePerson's deletion API by hand (check the set-up, file, look up,
 * list, cancel). All logic lives in the lp-*.ts files beside this one so tests can run it in-process
 * against the sandbox: lp-args (usage and parsing), lp-create (checks and confirmation before filing),
 * lp-execute (the calls and their output).
 */

/**
 * Starts the LivePerson stand-in for `--sandbox` and gives the settings that point at it. The stand-in is
 * built from LivePerson's pages and lives outside src/ (sandbox/), so dist/ holds only the product: the
 * built CLI has no stand-in, and `npm run lp -- --sandbox` (scripts/lp.mjs) runs scripts/lp-sandbox.ts,
 * which passes sandbox/cli-sandbox.ts here.
 */
export type StartSandbox = (
  env: LpIo['env'],
  now: Clock,
) => Promise<{ sandbox: RunningSandbox; env: LpIo['env'] }>;
interface RunningSandbox {
  url: string;
  close(): Promise<void>;
}

export async function runLp(argv: readonly string[], io: LpIo, startSandbox?: StartSandbox): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  if (parsed.help) {
    io.stdout.write(LP_USAGE);
    return EXIT_OK;
  }
  if (!parsed.command) return usageError(io, 'which command? check, create, get, list or cancel');
  const command = parsed.command;
  const now = io.now ?? systemClock;
  let sandbox: RunningSandbox | undefined;
  try {
    let env = io.env;
    if (parsed.sandbox) {
      if (!startSandbox) {
        const hint = 'the built command line holds none: run it as npm run -s lp -- … --sandbox';
        return usageError(io, `--sandbox needs the LivePerson stand-in (sandbox/); ${hint}`);
      }
      ({ sandbox, env } = await startSandbox(io.env, now));
      io.stderr.write(
        `Using an in-process LivePerson sandbox at ${sandbox.url}; nothing is sent to LivePerson.\n`,
      );
    }
    const config = loadCoreConfig(env);
    const ctx: Context = { config, now, io, json: parsed.json };
    if (command.name === 'create') {
      // Checked and confirmed before a client exists: nothing can reach LivePerson until then.
      const approved = await prepareCreate(command, ctx);
      if (typeof approved === 'number') return approved;
      const client = createClient(config, ctx);
      // Against LivePerson the create is recorded in the app's store (lp-record.ts); the in-process
      // sandbox files nothing real, so nothing is recorded for it.
      const filing: LivePersonClient = parsed.sandbox
        ? client
        : { ...client, create: (type, ids) => recordedCreate(config, client, { type, ids, now }) };
      return await waiting(ctx, 'Sending the deletion request', () => execute(approved, ctx, filing));
    }
    return await waiting(ctx, `Asking LivePerson (${command.name})`, () =>
      execute(command, ctx, createClient(config, ctx)),
    );
  } catch (err) {
    return reportFailure(err, io, parsed.json, command, now);
  } finally {
    await sandbox?.close();
  }
}

/** Runs a LivePerson call under the progress indicator, when there is one. */
function waiting<T>(ctx: Context, label: string, work: () => Promise<T>): Promise<T> {
  return ctx.io.progress ? ctx.io.progress.run(label, 'LivePerson', work) : work();
}

function createClient(config: CoreConfig, ctx: Context): LivePersonClient {
  return createLivePersonClient(config.liveperson, { now: ctx.now, ...ctx.io.clientDeps });
}

/** One line saying what is wrong, one pointing at --help; exit 2. */
function usageError(io: LpIo, message: string): number {
  io.stderr.write(`lp: ${message}\n${HELP_POINTER}\n`);
  return EXIT_USAGE;
}
