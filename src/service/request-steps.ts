import type { DeletionRequest, HistoryEntry } from '../domain/request.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** Changes one stored request in its own transaction and returns a copy of the result. */
export function changeRequest(
  store: Store,
  requestId: string,
  mutate: (request: DeletionRequest) => void,
): Promise<DeletionRequest> {
  return store.transact((draft) => {
    const request = draft.requests[requestId];
    if (!request) throw new Error(`request ${requestId} is not in the store`);
    mutate(request);
    return structuredClone(request);
  });
}

/** One line of a request's audit trail. */
export function historyEntry(
  at: Date,
  event: HistoryEntry['event'],
  by?: string,
  detail?: string,
): HistoryEntry {
  return { at: at.toISOString(), event, ...(by ? { by } : {}), ...(detail ? { detail } : {}) };
}

/**
 * Runs a step whose failure must not undo what is already stored (a Slack post after a state change):
 * the failure is logged by code only, never with the payload.
 */
export async function bestEffort(log: Logger, step: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log.error('slack_step_failed', {
      step,
      code: (error as { code?: string }).code ?? (error as Error).name,
      slackError: (error as { data?: { error?: string } }).data?.error,
    });
  }
}
