import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_DEFAULT_CREDENTIALS, type SandboxCredentials } from '../rtbf/types.js';
import { readBody, safeEqual } from '../rtbf/http.js';
import { checkOAuth1 } from '../rtbf/auth.js';
import { error } from './history-answers.js';
import { createHistoryStandIn } from './history-stand-in.js';
import type { HistoryStandIn, HistoryStandInOptions } from './history-types.js';

export interface HistorySandboxOptions extends HistoryStandInOptions {
  /** Bearer tokens and OAuth 1.0a key accepted; defaults to the rtbf sandbox's defaults. */
  credentials?: Pick<SandboxCredentials, 'bearerTokens' | 'oauth1'>;
  host?: string;
  port?: number;
  /** Each answer is held this long, as a real search takes 0.5–1.5 s (default 0). */
  answerDelayMs?: number;
}

export interface HistorySandbox extends HistoryStandIn {
  /** e.g. `http://127.0.0.1:54321`: the base URL for both history services. */
  readonly url: string;
  readonly port: number;
  /** Calls received and not yet answered, now and at most since start (or the last resetInFlight). */
  readonly inFlight: number;
  readonly maxInFlight: number;
  resetInFlight(): void;
  close(): Promise<void>;
}

/**
 * The stand-ins on their own port (no Domain API, no Sentinel): accepts a static bearer token or a
 * signed OAuth 1.0a key, verified with the rtbf sandbox's own verifier.
 */
export async function startHistorySandbox(options: HistorySandboxOptions): Promise<HistorySandbox> {
  const standIn = createHistoryStandIn(options);
  const credentials = options.credentials ?? SANDBOX_DEFAULT_CREDENTIALS;
  const nowDate = options.now ?? (() => new Date());
  const nonces = new Set<string>();
  const host = options.host ?? '127.0.0.1';
  let baseHost = '';

  function authorize(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization;
    if (!header) return false;
    if (/^Bearer\s/i.test(header)) {
      const value = header.slice(7).trim();
      return (credentials.bearerTokens ?? []).some((t) => safeEqual(t, value));
    }
    const oauth1 = credentials.oauth1;
    if (!oauth1) return false;
    return checkOAuth1({ req, url, header, oauth1, nonces, now: nowDate }).ok;
  }

  const delayMs = options.answerDelayMs ?? 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });
    void readBody(req)
      .then(async (body) => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? baseHost}`);
        const answer =
          standIn.handle({
            method: req.method ?? 'GET',
            url,
            contentType: req.headers['content-type'],
            body,
            authorize: () => authorize(req, url),
          }) ?? error(404, 'Not found');
        const text = answer.raw ?? JSON.stringify(answer.json ?? {});
        res.writeHead(answer.status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        });
        res.end(text);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseHost = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  // Getters must be defined, not assigned: Object.assign would copy today's value.
  const counted = Object.defineProperties(standIn, {
    inFlight: { get: () => inFlight, enumerable: true },
    maxInFlight: { get: () => maxInFlight, enumerable: true },
  }) as HistoryStandIn & Pick<HistorySandbox, 'inFlight' | 'maxInFlight'>;
  return Object.assign(counted, {
    url: `http://${baseHost}`,
    port,
    resetInFlight() {
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
