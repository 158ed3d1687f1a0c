import type { CoreConfig } from '../../config.js';
import { createGateway, NO_RETRY } from '../../liveperson/gateway.js';
import { checkHistoryAccess, HISTORY_API_NAMES, type HistoryAccess } from '../../liveperson/history/check.js';
import { createEngagementHistoryClient } from '../../liveperson/history/engagement-history-client.js';
import { createMsgHistoryClient } from '../../liveperson/history/msg-history-client.js';
import type { HistoryErrorCode } from '../../liveperson/liveperson-error.js';
import { failed, passed, type CheckResult } from '../result.js';

/**
 * The doctor's look at LivePerson's history APIs, which erasing a person searches: Messaging
 * Interactions always, Engagement History when LP_CHAT_HISTORY=true. A failure is a warning: filing
 * requests by id works without them, erasing a person does not.
 */

const FIXES: Partial<Record<HistoryErrorCode | 'UNKNOWN', string>> = {
  HISTORY_UNAUTHORIZED: 'check the LP_* credentials (`npm run -s lp -- check`)',
  HISTORY_FORBIDDEN: 'have a LivePerson admin let the API key read it',
  HISTORY_HOST_UNKNOWN: 'check LP_ACCOUNT_ID and LP_DOMAIN_API_URL (no host for this API on the account)',
  HISTORY_UNREACHABLE: 'check the network path to LivePerson, then run the doctor again',
  HISTORY_RATE_LIMITED: 'LivePerson is throttling: run the doctor again in a minute',
  HISTORY_SERVER_ERROR: 'LivePerson had an internal error: run the doctor again later',
};

export async function checkHistory(core: CoreConfig, now: Date): Promise<CheckResult[]> {
  const connection = createGateway(core.liveperson, { retry: NO_RETRY });
  const results = await checkHistoryAccess(
    {
      msgHist: createMsgHistoryClient(connection),
      ...(core.liveperson.chatHistory ? { engHist: createEngagementHistoryClient(connection) } : {}),
    },
    now,
  );
  return results.map((access: HistoryAccess) => {
    const name = access.service === 'msgHist' ? 'messaging history' : 'chat history';
    const api = HISTORY_API_NAMES[access.service];
    if (access.ok) {
      return passed(name, `${api}: the credentials can read it (erasing a person works)`);
    }
    return failed(
      name,
      `${api}: ${access.code}, so erasing a person will not work`,
      (FIXES[access.code] ?? 'see the lp.http and lp.retry lines in the log') +
        (access.service !== 'msgHist' ? ', or set LP_CHAT_HISTORY=false' : ''),
    );
  });
}
