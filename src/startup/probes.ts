import type { CustomRoute } from '@slack/bolt';
import type { ServerResponse } from 'node:http';

/**
 * What `/readyz` asks before saying the app can take work. Others feed it: the store says whether it is
 * open, start-up says whether Slack accepted the token.
 */
export interface Readiness {
  storeOk(): boolean;
  slackOk(): boolean;
  /** Asks the store now, with a deadline (a database that is up but frozen answers nothing). */
  storeAnswers?(): Promise<boolean>;
}

/** How long /readyz waits for the store's answer: under the 1 s a Kubernetes probe waits by default. */
export const STORE_PROBE_DEADLINE_MS = 800;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Bolt custom routes for platforms that probe: `/healthz` answers 200 while the process is alive,
 * `/readyz` 200 only when the store is open and answers (a query within STORE_PROBE_DEADLINE_MS, where the
 * store can be asked) and Slack sign-in is done (503 with what is missing otherwise).
 * No ids, tokens or data in either answer.
 */
export function probeRoutes(readiness: Readiness): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => json(res, 200, { ok: true }),
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        void (readiness.storeAnswers?.() ?? Promise.resolve(true))
          .catch(() => false)
          .then((answers) => {
            const store = answers && readiness.storeOk();
            const slack = readiness.slackOk();
            json(res, store && slack ? 200 : 503, { ok: store && slack, store, slack });
          });
      },
    },
  ];
}
