import type { Clock } from '../domain/clock.js';
import type { CoreConfig } from '../config.js';
import type { DeletionRequest } from '../domain/request.js';
import type { DeletionType, LpRecord } from '../domain/types.js';
import { todayIn } from '../domain/zoned-time.js';
import type { LivePersonClient } from '../liveperson/client.js';
import { silentLogger } from '../log.js';
import { historyEntry } from '../domain/lifecycle.js';
import { Submission } from '../service/submission.js';
import { StoreError } from '../store/errors.js';
import { openStore } from '../store/open-store.js';

/** Why `lp create` filed nothing: one sentence for the person at the terminal. */
export class NotRecordedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRecordedError';
  }
}

/**
 * `npm run lp -- create` files with the app's key, so the app must know of it: otherwise a record with
 * its own `requested_by` that it cannot explain makes every reconciliation ambiguous (and, worse, one it
 * could mistake for its own). So the create is made the app's way: stored as a request (`origin: 'cli'`,
 * counted against the month's quota, no Slack messages), its attempt saved under the account's create
 * lock before LivePerson is called (the same lock as the app's replicas: one create at a time), and
 * LivePerson's answer saved with it. A lost answer leaves it `outcome_unknown`, reconciled by the app.
 */
export async function recordedCreate(
  config: CoreConfig,
  client: LivePersonClient,
  input: { type: DeletionType; ids: string[]; now: Clock },
): Promise<LpRecord> {
  const store = await openStore(config).catch((error: unknown) => {
    if (error instanceof StoreError && error.code === 'STORE_LOCKED') {
      throw new NotRecordedError(
        'Nothing was filed: lp-delete is running on this data folder, and a create it cannot see would leave it unable to reconcile its own. File it through Slack (/lp-delete), or stop the app and run this again.',
      );
    }
    throw error;
  });
  try {
    let thrown: unknown;
    const capturing: LivePersonClient = {
      ...client,
      create: async (type, ids) => {
        try {
          return await client.create(type, ids);
        } catch (error) {
          thrown = error;
          throw error;
        }
      },
    };
    const accountId = config.liveperson.accountId;
    const submission = new Submission({
      store,
      lp: capturing,
      now: input.now,
      log: silentLogger,
      accountId,
    });
    const now = input.now();
    const month = todayIn(now, config.quotaTimeZone).slice(0, 7);
    const request = await store.create(month, (id): DeletionRequest => ({
      id,
      accountId,
      type: input.type,
      ids: input.ids,
      reason: 'Filed with npm run lp -- create',
      requestedBy: 'npm run lp',
      createdAt: now.toISOString(),
      status: 'submitting',
      unsent: true,
      origin: 'cli',
      quotaMonth: month,
      history: [historyEntry(now, 'approved', undefined, 'npm run lp -- create')],
    }));
    const done = await submission.submit(request);
    // LivePerson's own error, so the command explains it as before (a lost answer: check the list first).
    if (thrown instanceof Error) throw thrown;
    if (done.status !== 'submitted' || !done.lpRecord) {
      throw new NotRecordedError(`Nothing was filed: the store did not take request ${done.id}; try again.`);
    }
    return done.lpRecord;
  } finally {
    await store.close();
  }
}
