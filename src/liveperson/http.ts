import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { insecureUrl, networkError, type LivePersonOperation } from './errors.js';
import { checkLivePersonUrl, isLoopbackUrl, LIVEPERSON_URL_SETTINGS } from './transport.js';

/** Receives event names and harmless fields only (method, status, durations, LivePerson request ids). */
export type LpLogger = (event: string, fields: Record<string, unknown>) => void;

export interface RawAnswer {
  status: number;
  body: string;
  /** The answer's `Date` header (LivePerson's clock, to the second), when it sent one. */
  date?: string;
}

export interface SendOptions {
  operation: LivePersonOperation;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface Transport {
  send(options: SendOptions): Promise<RawAnswer>;
}

/**
 * Every call to LivePerson goes through here: bodies stay raw text (so a broken answer is our parse
 * error, not axios's silent fallback), every status is returned (the caller classifies it), and network
 * failures become LivePersonErrors that never carry axios's config (which holds the Authorization header).
 */
/**
 * One connection pool per destination for every LivePerson client in the process, kept alive between
 * calls: a submission makes several calls to the same hosts (token, domain, rtbf), and a new TCP and TLS
 * handshake for each costs more CPU than the call itself. Explicit rather than Node's global agents, whose
 * keep-alive default changed in Node 19 and which other code may reconfigure.
 */
const keepAlive = {
  keepAlive: true,
  keepAliveMsecs: 1_000,
  maxSockets: 32,
  maxFreeSockets: 8,
  scheduling: 'lifo' as const,
  // An idle socket is closed after 4 s, before a server's usual 5 s keep-alive timeout can close it
  // under a request (a POST lost that way would leave a submission's outcome unknown).
  timeout: 4_000,
};
const pooled = { httpAgent: new HttpAgent(keepAlive), httpsAgent: new HttpsAgent(keepAlive) };

export function createTransport(http: AxiosInstance | undefined, log: LpLogger, now: () => Date): Transport {
  const client = http ?? axios.create(pooled);
  return {
    async send({ operation, method, url, headers, body, timeoutMs }) {
      // Last line of defence: the resolver already refuses insecure settings with the setting's name.
      if (checkLivePersonUrl(url, LIVEPERSON_URL_SETTINGS)) {
        log('lp.http.refused', { operation, method, reason: 'insecure_url' });
        throw insecureUrl(LIVEPERSON_URL_SETTINGS, operation);
      }
      const started = now().getTime();
      try {
        const response = await client.request<string>({
          method,
          url,
          headers,
          data: body,
          timeout: timeoutMs,
          responseType: 'text',
          // Keep the body exactly as received; parsing is ours.
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
          transitional: { clarifyTimeoutError: true },
          maxRedirects: 0,
          // A proxy from HTTP(S)_PROXY can never reach a local sandbox; real LivePerson hosts still use it.
          ...(isLoopbackUrl(url) ? { proxy: false as const } : {}),
        });
        const durationMs = now().getTime() - started;
        log('lp.http', { operation, method, status: response.status, durationMs });
        const date: unknown = response.headers.date;
        return {
          status: response.status,
          body: typeof response.data === 'string' ? response.data : '',
          ...(typeof date === 'string' ? { date } : {}),
        };
      } catch (err) {
        const durationMs = now().getTime() - started;
        const code = axios.isAxiosError(err) ? err.code : undefined;
        log('lp.http.failed', { operation, method, networkCode: code ?? 'UNKNOWN', durationMs });
        throw networkError(operation, code);
      }
    },
  };
}
