import type { SandboxDeletionType, SandboxRequest, SandboxStatus } from './rules.js';

/** The sandbox's public shapes: its options, the handle a test holds, recorded calls and injections. */

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
  /**
   * Hold the call this long before carrying it out: LivePerson busy, a create filed only after the hold
   * (its `request_time` is then, not when it was sent). With `delayMs`, the answer is held after that.
   */
  holdMs?: number;
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
  /** More LivePerson APIs on this port (e.g. the history stand-ins in sandbox/history/). */
  extensions?: readonly SandboxExtension[];
  /**
   * Every answer's `Date` header runs this far ahead of real time (negative: behind): a LivePerson whose
   * clock differs from ours (HTTP always sends Date; LivePerson's servers are NTP-synced, ours may not be).
   */
  clockSkewMs?: number;
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
  /** Called once when the sandbox starts: its deletion requests and their status (e.g. to mask what a DONE one covered). */
  attachRtbf?(view: RtbfView): void;
}
/** The rtbf sandbox's deletion requests as an extension sees them (live view). */
export interface RtbfView {
  readonly requests: readonly SandboxRequest[];
  statusOf(request: SandboxRequest): SandboxStatus;
}
// --- End of extensions. ---

export interface ExternalRequestInput {
  type?: SandboxDeletionType;
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
