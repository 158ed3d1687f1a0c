import { randomBytes } from 'node:crypto';
import { readBody, safeEqual } from './sandbox-http.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeletionType } from '../domain/types.js';
import { verifyOAuth1 } from './sandbox-oauth1.js';
import {
  canCancel,
  createShape,
  getShape,
  matchesListQuery,
  parseCreateBody,
  parseListQuery,
  requestsThisMonth,
  statusOf,
  type SandboxRequest,
  type SandboxStatus,
} from './sandbox-rules.js';

export type { SandboxRequest, SandboxStatus } from './sandbox-rules.js';

/**
 * A local stand-in for LivePerson's Domain API, Sentinel and the Personal Data Deletion API, over plain
 * node:http. It is deliberately strict (content types, body rules, signatures, token expiry) so client
 * bugs fail here rather than against the real account, and it can be told to misbehave (`inject`).
 */

export type SandboxCallKind = 'create' | 'get' | 'list' | 'cancel' | 'token' | 'domain';

export interface SandboxCall {
  method: string;
  /** Path without the query string. */
  path: string;
  kind: SandboxCallKind | 'unknown';
  /** Undefined until answered; stays undefined when the connection was dropped. */
  status?: number;
  dropped?: boolean;
}

export interface SandboxInjection {
  kind: SandboxCallKind;
  /** How many matching calls the rule applies to (default 1). */
  times?: number;
  /** Answer with this status instead of handling the call (unless `carryOut`). */
  status?: number;
  /**
   * With `status`: carry the call out first (a create really files the request), then answer with
   * `status` and `body`/`rawBody` instead of the real answer. `{ kind: 'create', status: 200, rawBody: '',
   * carryOut: true }` is a create that LivePerson performed but answered with an empty 200.
   */
  carryOut?: boolean;
  /** JSON body for `status` (default `{"message": …}` for errors). */
  body?: unknown;
  /** A raw body (sent as is, e.g. to test unreadable answers); wins over `body`. */
  rawBody?: string;
  /** Hold the answer this long. The call is still carried out first (a create still creates). */
  delayMs?: number;
  /** Destroy the connection instead of answering. The call is still carried out first. */
  drop?: boolean;
}

export interface SandboxCredentials {
  oauth2?: { clientId: string; clientSecret: string };
  oauth1?: { appKey: string; appSecret: string; accessToken: string; accessTokenSecret: string };
  bearerTokens?: string[];
}

export interface SandboxOptions {
  accountId: string;
  legacyTicketing?: boolean;
  /** Requests per calendar month (UTC) before create answers 429; LivePerson's default is 100. */
  monthlyLimit?: number;
  now?: () => Date;
  tokenTtlSeconds?: number;
  /** Defaults to SANDBOX_DEFAULT_CREDENTIALS. */
  credentials?: SandboxCredentials;
  host?: string;
  port?: number;
  /** More LivePerson APIs on this port (e.g. the history stand-ins in sandbox-history/). */
  extensions?: readonly SandboxExtension[];
}

// --- Extensions: other LivePerson APIs served on the sandbox's port, with its Domain API and auth. ---
export interface SandboxExtensionCall {
  method: string;
  url: URL;
  contentType: string | undefined;
  body: string;
  /** Checks the caller's credentials exactly as the deletion API does (tokens, OAuth 1.0a, bearer). */
  authorize(): boolean;
}
export interface SandboxExtensionAnswer {
  status: number;
  json?: unknown;
  raw?: string;
}
export interface SandboxExtension {
  /** Domain API service names answered with this sandbox's host. */
  readonly services: readonly string[];
  /** The answer to a call the extension serves, or undefined to leave the call to the sandbox. */
  handle(call: SandboxExtensionCall): SandboxExtensionAnswer | undefined;
}
// --- End of extensions. ---

export interface ExternalRequestInput {
  type?: DeletionType;
  ids?: string[];
  /** Defaults to now. */
  requestTime?: Date | string;
  requestedBy?: string;
  canceled?: boolean;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:54321`: use as LP_DOMAIN_API_URL. */
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  readonly credentials: Readonly<SandboxCredentials>;
  /** Stored deletion requests (live view). */
  readonly requests: readonly SandboxRequest[];
  /** Every call received, in order (live view). */
  readonly calls: readonly SandboxCall[];
  inject(rule: SandboxInjection): void;
  /** Invalidates every token Sentinel has issued so far. */
  expireTokens(): void;
  /** Adds a request "made elsewhere" (another tool, LivePerson's UI). */
  addExternalRequest(input?: ExternalRequestInput): SandboxRequest;
  statusOf(request: SandboxRequest): SandboxStatus;
  /** Forgets requests, calls, injections and tokens. */
  reset(): void;
  close(): Promise<void>;
}

export const SANDBOX_DEFAULT_CREDENTIALS: Required<SandboxCredentials> = {
  oauth2: { clientId: 'sandbox-client', clientSecret: 'sandbox-client-secret' },
  oauth1: {
    appKey: 'sandbox-app-key',
    appSecret: 'sandbox-app-secret',
    accessToken: 'sandbox-access-token',
    accessTokenSecret: 'sandbox-access-token-secret',
  },
  bearerTokens: ['sandbox-bearer-token'],
};

const OAUTH1_WINDOW_SECONDS = 300;
const FIRST_REQUEST_ID = 127_223;

interface Answer {
  status: number;
  json?: unknown;
  raw?: string;
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

type Caller = { ok: true; identity: string } | { ok: false; answer: Answer };

const routes: { kind: SandboxCallKind; method: string; pattern: RegExp }[] = [
  { kind: 'domain', method: 'GET', pattern: /^\/api\/account\/([^/]+)\/service\/([^/]+)\/baseURI\.json$/ },
  { kind: 'token', method: 'POST', pattern: /^\/sentinel\/api\/v2\/account\/([^/]+)\/app\/token$/ },
  { kind: 'create', method: 'POST', pattern: /^\/api\/account\/([^/]+)\/personal-data-deletion$/ },
  { kind: 'list', method: 'GET', pattern: /^\/api\/account\/([^/]+)\/personal-data-deletion$/ },
  { kind: 'get', method: 'GET', pattern: /^\/api\/account\/([^/]+)\/personal-data-deletion\/([^/]+)$/ },
  {
    kind: 'cancel',
    method: 'POST',
    pattern: /^\/api\/account\/([^/]+)\/personal-data-deletion\/([^/]+)\/cancel$/,
  },
];

const message = (status: number, text: string): Answer => ({ status, json: { message: text } });
const plainAccount = (id: string) => id.trim().replace(/^le/i, '');

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const credentials = options.credentials ?? SANDBOX_DEFAULT_CREDENTIALS;
  const accountId = plainAccount(options.accountId);
  const monthlyLimit = options.monthlyLimit ?? 100;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const host = options.host ?? '127.0.0.1';

  const requests: SandboxRequest[] = [];
  const calls: SandboxCall[] = [];
  let injections: (SandboxInjection & { remaining: number })[] = [];
  const tokens = new Map<string, IssuedToken>();
  const nonces = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let nextRequestId = FIRST_REQUEST_ID;
  let baseHost = '';

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, message(500, 'sandbox failure'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? baseHost}`);
    const body = await readBody(req);
    for (const extension of options.extensions ?? []) {
      const contentType = req.headers['content-type'];
      const authorize = () => authenticate(req, url).ok;
      const answer = extension.handle({ method: req.method ?? 'GET', url, contentType, body, authorize });
      if (answer) return send(res, answer);
    }
    const route = findRoute(req.method ?? 'GET', url.pathname);
    const call: SandboxCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      kind: route?.kind ?? 'unknown',
    };
    calls.push(call);
    if (!route) return answerCall(res, call, message(404, 'Not found'), undefined);
    const rule = takeInjection(route.kind);
    if (rule?.status === undefined) {
      return answerCall(res, call, dispatch(route.kind, route.params, req, url, body), rule);
    }
    // The real answer of a carried-out call is discarded: only its effect (a filed request) remains.
    if (rule.carryOut) dispatch(route.kind, route.params, req, url, body);
    return answerCall(res, call, injectedAnswer(rule), rule);
  }

  function findRoute(method: string, path: string) {
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (match && route.method === method) return { kind: route.kind, params: match.slice(1) };
    }
    return undefined;
  }

  function takeInjection(kind: SandboxCallKind) {
    const rule = injections.find((r) => r.kind === kind && r.remaining > 0);
    if (rule) rule.remaining -= 1;
    injections = injections.filter((r) => r.remaining > 0);
    return rule;
  }

  async function answerCall(
    res: ServerResponse,
    call: SandboxCall,
    answer: Answer,
    rule: SandboxInjection | undefined,
  ) {
    if (rule?.delayMs) await pause(rule.delayMs);
    if (rule?.drop) {
      call.dropped = true;
      res.socket?.destroy();
      return;
    }
    call.status = answer.status;
    send(res, answer);
  }

  function pause(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function dispatch(
    kind: SandboxCallKind,
    params: (string | undefined)[],
    req: IncomingMessage,
    url: URL,
    body: string,
  ): Answer {
    const [account = '', second = ''] = params;
    switch (kind) {
      case 'domain':
        return domainLookup(account, second, url);
      case 'token':
        return issueToken(account, req, body);
    }
    const caller = authenticate(req, url);
    if (!caller.ok) return caller.answer;
    if (plainAccount(account) !== accountId) return message(403, 'Not authorized for this account');
    switch (kind) {
      case 'create':
        return create(req, body, caller.identity);
      case 'list':
        return list(url);
      case 'get':
        return getOne(second, url);
      case 'cancel':
        return cancel(second, body, caller.identity);
    }
  }

  function domainLookup(account: string, service: string, url: URL): Answer {
    if (url.searchParams.get('version') !== '1.0') return message(400, 'version=1.0 is required');
    if (plainAccount(account) !== accountId) return message(404, 'Account not found');
    const extended = (options.extensions ?? []).flatMap((e) => e.services);
    if (![...['rtbf', 'sentinel', 'agentVep'], ...extended].includes(service)) {
      return message(404, 'Service not found');
    }
    return { status: 200, json: { service, account, baseURI: baseHost } };
  }

  function issueToken(account: string, req: IncomingMessage, body: string): Answer {
    if (!isContentType(req, 'application/x-www-form-urlencoded')) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'form body expected' } };
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    }
    const expected = credentials.oauth2;
    const clientId = form.get('client_id') ?? '';
    const valid =
      expected !== undefined &&
      plainAccount(account) === accountId &&
      safeEqual(clientId, expected.clientId) &&
      safeEqual(form.get('client_secret') ?? '', expected.clientSecret);
    if (!valid) return { status: 401, json: { error: 'invalid_client' } };
    const token = jwtLookingToken(accountId, now(), tokenTtlSeconds);
    tokens.set(token, { clientId, expiresAt: now().getTime() + tokenTtlSeconds * 1000 });
    return { status: 200, json: { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds } };
  }

  function authenticate(req: IncomingMessage, url: URL): Caller {
    const header = req.headers.authorization;
    const denied: Caller = { ok: false, answer: message(401, 'Unauthorized') };
    if (!header) return denied;
    if (/^Bearer\s/i.test(header)) {
      const value = header.slice(7).trim();
      const issued = tokens.get(value);
      if (issued) {
        return issued.expiresAt > now().getTime() ? { ok: true, identity: issued.clientId } : denied;
      }
      const known = (credentials.bearerTokens ?? []).some((t) => safeEqual(t, value));
      return known ? { ok: true, identity: 'bearer-user' } : denied;
    }
    const oauth1 = credentials.oauth1;
    if (!oauth1) return denied;
    const verdict = verifyOAuth1({
      method: req.method ?? 'GET',
      absoluteUrl: url.toString(),
      authorization: header,
      secretsFor: (key, token) =>
        safeEqual(key, oauth1.appKey) && safeEqual(token, oauth1.accessToken)
          ? { consumerSecret: oauth1.appSecret, tokenSecret: oauth1.accessTokenSecret }
          : undefined,
      nowSeconds: Math.floor(now().getTime() / 1000),
      windowSeconds: OAUTH1_WINDOW_SECONDS,
      rememberNonce: (key, timestamp, nonce) => {
        const id = `${key}|${timestamp}|${nonce}`;
        if (nonces.has(id)) return false;
        nonces.add(id);
        return true;
      },
    });
    return verdict.ok ? { ok: true, identity: verdict.consumerKey } : denied;
  }

  function create(req: IncomingMessage, body: string, identity: string): Answer {
    if (!isContentType(req, 'application/json')) return message(400, 'Content-Type must be application/json');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return message(400, 'Request body is not valid JSON');
    }
    const parsed = parseCreateBody(json, options.legacyTicketing ?? false);
    if (!parsed.ok) return message(400, parsed.message);
    if (requestsThisMonth(requests, now()) >= monthlyLimit) {
      return message(429, 'Requests threshold for current month was reached');
    }
    const record = store({ type: parsed.type, ids: parsed.ids, requestTime: now(), requestedBy: identity });
    return { status: 201, json: createShape(record) };
  }

  function store(input: Required<Omit<ExternalRequestInput, 'canceled'>>, external = false): SandboxRequest {
    const record: SandboxRequest = {
      requestId: nextRequestId++,
      siteId: accountId,
      type: input.type,
      ids: [...input.ids],
      requestTime: new Date(input.requestTime).toISOString(),
      requestedBy: input.requestedBy,
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: JSON.stringify({ [input.type]: input.ids }),
      external,
    };
    requests.push(record);
    return record;
  }

  function list(url: URL): Answer {
    const query = parseListQuery(url.searchParams);
    if (!query.ok) return message(400, query.message);
    const at = now();
    return {
      status: 200,
      json: requests.filter((r) => matchesListQuery(r, query, at)).map((r) => getShape(r, at)),
    };
  }

  function getOne(id: string, url: URL): Answer {
    if ([...url.searchParams.keys()].length > 0)
      return message(400, 'Query parameters are not allowed with an id');
    if (!/^\d+$/.test(id)) return message(400, 'request_id must be a number');
    const record = requests.find((r) => String(r.requestId) === id);
    return record
      ? { status: 200, json: [getShape(record, now())] }
      : message(404, 'Deletion request not found');
  }

  function cancel(id: string, body: string, identity: string): Answer {
    if (body.trim() !== '') return message(400, 'Cancel takes no body');
    if (!/^\d+$/.test(id)) return message(400, 'request_id must be a number');
    const record = requests.find((r) => String(r.requestId) === id);
    if (!record) return message(404, 'Deletion request not found');
    const refusal = canCancel(record, now());
    if (refusal) return message(400, refusal);
    record.isCanceled = true;
    record.cancelledBy = identity;
    record.cancelTimestamp = now().toISOString();
    return { status: 200, json: [createShape(record)] };
  }

  function injectedAnswer(rule: SandboxInjection): Answer {
    const status = rule.status ?? 500;
    if (rule.rawBody !== undefined) return { status, raw: rule.rawBody };
    if (rule.body !== undefined) return { status, json: rule.body };
    return status >= 400 ? message(status, `Injected ${status}`) : { status, raw: '' };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // LivePerson's Domain API answers a bare host; the client adds the scheme.
  baseHost = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    url: `http://${baseHost}`,
    port,
    accountId,
    credentials,
    get requests() {
      return requests;
    },
    get calls() {
      return calls;
    },
    inject(rule) {
      injections.push({ ...rule, remaining: rule.times ?? 1 });
    },
    expireTokens() {
      tokens.clear();
    },
    addExternalRequest(input = {}) {
      const record = store(
        {
          type: input.type ?? 'conversation',
          ids: input.ids ?? [`external-${nextRequestId}`],
          requestTime: input.requestTime ?? now(),
          requestedBy: input.requestedBy ?? 'someone-else',
        },
        true,
      );
      if (input.canceled) {
        record.isCanceled = true;
        record.cancelledBy = record.requestedBy;
        record.cancelTimestamp = record.requestTime;
      }
      return record;
    },
    statusOf: (request) => statusOf(request, now()),
    reset() {
      requests.length = 0;
      calls.length = 0;
      injections = [];
      tokens.clear();
      nonces.clear();
      nextRequestId = FIRST_REQUEST_ID;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(res: ServerResponse, answer: Answer) {
  const text = answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  res.writeHead(answer.status, {
    'Content-Type':
      answer.raw !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function isContentType(req: IncomingMessage, expected: string): boolean {
  const value = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return value === expected;
}

/** Looks like the JWT Sentinel issues (three base64url parts) without being verifiable by anyone. */
function jwtLookingToken(accountId: string, now: Date, ttlSeconds: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(now.getTime() / 1000);
  return [
    encode({ alg: 'RS256', typ: 'JWT' }),
    encode({
      iss: 'lp-delete-sandbox',
      aud: accountId,
      iat: issuedAt,
      exp: issuedAt + ttlSeconds,
      jti: randomBytes(8).toString('hex'),
    }),
    randomBytes(32).toString('base64url'),
  ].join('.');
}
