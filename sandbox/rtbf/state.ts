import type { Answer } from './answer.js';
import { message } from './answer.js';
import type { SandboxRequest } from './rules.js';
import {
  SANDBOX_DEFAULT_CREDENTIALS,
  type ExternalRequestInput,
  type SandboxCall,
  type SandboxCallKind,
  type SandboxCredentials,
  type SandboxExtension,
  type SandboxInjection,
  type SandboxOptions,
} from './types.js';

/** What the sandbox remembers between calls (requests, calls, tokens, nonces) and its fixed settings. */

const FIRST_REQUEST_ID = 127_223;

export interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

export interface SandboxState {
  readonly now: () => Date;
  readonly credentials: SandboxCredentials;
  readonly accountId: string;
  readonly monthlyLimit: number;
  readonly tokenTtlSeconds: number;
  readonly legacyTicketing: boolean;
  readonly extensions: readonly SandboxExtension[];
  /** `host:port` once listening; LivePerson's Domain API answers a bare host. */
  baseHost: string;
  readonly requests: SandboxRequest[];
  readonly calls: SandboxCall[];
  injections: (SandboxInjection & { remaining: number })[];
  readonly tokens: Map<string, IssuedToken>;
  readonly nonces: Set<string>;
  nextRequestId: number;
}

export const plainAccount = (id: string) => id.trim().replace(/^le/i, '');

export function createState(options: SandboxOptions): SandboxState {
  return {
    // A sandbox whose clock runs elsewhere (clockSkewMs) dates everything by it: records and `Date` alike.
    now: options.now ?? (() => new Date(Date.now() + (options.clockSkewMs ?? 0))),
    credentials: options.credentials ?? SANDBOX_DEFAULT_CREDENTIALS,
    accountId: plainAccount(options.accountId),
    monthlyLimit: options.monthlyLimit ?? 100,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    legacyTicketing: options.legacyTicketing ?? false,
    extensions: options.extensions ?? [],
    baseHost: '',
    requests: [],
    calls: [],
    injections: [],
    tokens: new Map(),
    nonces: new Set(),
    nextRequestId: FIRST_REQUEST_ID,
  };
}

/** Forgets requests, calls, injections and tokens. */
export function resetState(state: SandboxState): void {
  state.requests.length = 0;
  state.calls.length = 0;
  state.injections = [];
  state.tokens.clear();
  state.nonces.clear();
  state.nextRequestId = FIRST_REQUEST_ID;
}

export function storeRequest(
  state: SandboxState,
  input: Required<Omit<ExternalRequestInput, 'canceled'>>,
  external = false,
): SandboxRequest {
  const record: SandboxRequest = {
    requestId: state.nextRequestId++,
    siteId: state.accountId,
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
  state.requests.push(record);
  return record;
}

/** A request "made elsewhere" (another tool, LivePerson's UI). */
export function addExternalRequest(state: SandboxState, input: ExternalRequestInput = {}): SandboxRequest {
  const record = storeRequest(
    state,
    {
      type: input.type ?? 'conversation',
      ids: input.ids ?? [`external-${state.nextRequestId}`],
      requestTime: input.requestTime ?? state.now(),
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
}

// --- Injections: a test tells the sandbox to misbehave on the next matching calls. ---

export function addInjection(state: SandboxState, rule: SandboxInjection): void {
  state.injections.push({ ...rule, remaining: rule.times ?? 1 });
}

export function takeInjection(state: SandboxState, kind: SandboxCallKind) {
  const rule = state.injections.find((r) => r.kind === kind && r.remaining > 0);
  if (rule) rule.remaining -= 1;
  state.injections = state.injections.filter((r) => r.remaining > 0);
  return rule;
}

export function injectedAnswer(rule: SandboxInjection): Answer {
  const status = rule.status ?? 500;
  if (rule.rawBody !== undefined) return { status, raw: rule.rawBody };
  if (rule.body !== undefined) return { status, json: rule.body };
  return status >= 400 ? message(status, `Injected ${status}`) : { status, raw: '' };
}
