import { createInterface } from 'node:readline';
import { validateIdsText } from '../domain/ids.js';
import { MAX_IDS_PER_REQUEST, type DeletionType } from '../domain/types.js';
import { idErrorText, ticketChangeNotes } from '../slack/blocks/id-messages.js';
import { HELP_POINTER, type Command } from './lp-args.js';
import { formatCreatePlan, type CreatePlan } from './lp-format.js';
import { EXIT_API_ERROR, EXIT_USAGE, nothingFiled, type Context } from './lp-io.js';

/** A create whose ids passed the form's checks and that the person confirmed. */
export type ApprovedCreate = { name: 'create'; type: DeletionType; ids: string[] };

/**
 * The Slack form's guards for `create`: the same id checks and de-duplication (domain/ids.ts), then what
 * will be filed, then a confirmation (a question on a terminal, --yes elsewhere). Returns an exit code
 * when nothing is to be filed.
 */
export async function prepareCreate(
  command: Extract<Command, { name: 'create' }>,
  ctx: Context,
): Promise<ApprovedCreate | number> {
  const { io } = ctx;
  const lp = ctx.config.liveperson;
  const checked = validateIdsText(command.type, command.texts, {
    accountId: lp.accountId,
    legacyTicketing: lp.legacyTicketing,
    // One LivePerson request: no splitting here.
    maxIds: MAX_IDS_PER_REQUEST,
  });
  if (!checked.ok) {
    // The form's words (plain text, no mrkdwn), so the terminal and Slack say the same.
    const problems = checked.errors.map(idErrorText);
    for (const problem of problems) io.stderr.write(`lp create: ${problem}\n`);
    io.stderr.write('Nothing was filed.\n');
    if (ctx.json) nothingFiled(io, 'INVALID_IDS', problems.join(' '));
    return EXIT_USAGE;
  }
  const terminal = io.stdin?.isTTY === true;
  const plan: CreatePlan = {
    accountId: lp.accountId,
    type: command.type,
    ids: checked.ids,
    duplicatesDropped: checked.duplicatesDropped,
    notes: ticketChangeNotes(checked.changes),
  };
  // The ids themselves are listed only to a person at a terminal; a script's output may end up in a log.
  io.stderr.write(formatCreatePlan(plan, { showIds: terminal }));
  if (command.yes) return { name: 'create', type: command.type, ids: checked.ids };
  if (!terminal || !io.stdin) {
    io.stderr.write(
      'lp create: nothing was filed: stdin is not a terminal, so there is no one to confirm. ' +
        'Add --yes to file without asking.\n' +
        `${HELP_POINTER}\n`,
    );
    if (ctx.json) nothingFiled(io, 'CONFIRMATION_REQUIRED', 'Add --yes to file without asking.');
    return EXIT_USAGE;
  }
  io.stderr.write('File this deletion request with LivePerson now? Type "yes" to confirm: ');
  const answer = await readLine(io.stdin);
  if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) {
    io.stderr.write('Nothing was filed. Run the command again when you want to file it.\n');
    if (ctx.json) nothingFiled(io, 'DECLINED', 'Run the command again when you want to file it.');
    return EXIT_API_ERROR;
  }
  return { name: 'create', type: command.type, ids: checked.ids };
}

/** The first line typed (or undefined at end of input). */
async function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}
