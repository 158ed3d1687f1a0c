import { expect } from 'vitest';
import type { LivePersonConfig } from '../../src/config.js';
import type { LivePersonAuth } from '../../src/config/credentials.js';
import { createLivePersonClient, type LivePersonClientDeps } from '../../src/liveperson/client.js';
import { RETRY_POLICIES, type RetryPolicy } from '../../src/liveperson/gateway.js';
import { LivePersonError } from '../../src/liveperson/liveperson-error.js';
import type { Logger, LogFields } from '../../src/log.js';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../sandbox/rtbf/types.js';

/** Shared set-up for the client tests: a sandbox on a free port and clients wired to it. */

export const ACCOUNT_ID = '20762324';

export type AuthKind = LivePersonAuth['kind'];
export const AUTH_KINDS: readonly AuthKind[] = ['oauth2', 'oauth1', 'bearer'];

export function sandboxAuth(kind: AuthKind): LivePersonAuth {
  const c = SANDBOX_DEFAULT_CREDENTIALS;
  switch (kind) {
    case 'oauth2':
      return { kind, ...c.oauth2 };
    case 'oauth1':
      return { kind, ...c.oauth1 };
    case 'bearer':
      return { kind, token: c.bearerTokens[0] ?? '' };
  }
}

export function configFor(sandbox: Sandbox, overrides: Partial<LivePersonConfig> = {}): LivePersonConfig {
  return {
    accountId: ACCOUNT_ID,
    auth: sandboxAuth('oauth2'),
    domainApiUrl: sandbox.url,
    timeoutMs: 2000,
    legacyTicketing: false,
    ...overrides,
  };
}

/** A clock tests move by hand; both the sandbox and the client read it. */
export function manualClock(start = '2025-03-10T12:00:00.000Z') {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(iso: string) {
      current = Date.parse(iso);
    },
  };
}

/** A logger that keeps what it is told, for tests to read. */
export function recordingLogger(): { log: Logger; logs: { event: string; fields: LogFields }[] } {
  const logs: { event: string; fields: LogFields }[] = [];
  const keep = (event: string, fields: LogFields = {}) => void logs.push({ event, fields });
  return { log: { info: keep, warn: keep, error: keep }, logs };
}

/** A policy with the same number of retries, its pauses in milliseconds where LivePerson's are seconds. */
export function quick(policy: RetryPolicy): RetryPolicy {
  const layer = (l: RetryPolicy['unavailable']) => ({
    ...l,
    minTimeout: (l.minTimeout ?? 0) / 1000,
    ...(l.maxTimeout === undefined ? {} : { maxTimeout: l.maxTimeout / 1000 }),
  });
  return {
    unavailable: layer(policy.unavailable),
    ...(policy.rateLimited ? { rateLimited: layer(policy.rateLimited) } : {}),
  };
}

/** How many times a call was tried again, by the `lp.retry` lines logged. */
export function retriesIn(logs: readonly { event: string }[]): number {
  return logs.filter((l) => l.event === 'lp.retry').length;
}

export interface Harness {
  sandbox: Sandbox;
  clock: ReturnType<typeof manualClock>;
  /** Retries logged so far (the pauses between them are p-retry's, by the policy). */
  retries(): number;
  logs: { event: string; fields: LogFields }[];
  client(
    overrides?: Partial<LivePersonConfig>,
    deps?: LivePersonClientDeps,
  ): ReturnType<typeof createLivePersonClient>;
  kindCount(kind: string): number;
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const clock = manualClock();
  const sandbox = await startSandbox({ accountId: ACCOUNT_ID, now: clock.now, ...options });
  const { log, logs } = recordingLogger();
  return {
    sandbox,
    clock,
    retries: () => retriesIn(logs),
    logs,
    client: (overrides = {}, deps = {}) =>
      createLivePersonClient(configFor(sandbox, overrides), {
        now: clock.now,
        log,
        retry: quick(RETRY_POLICIES.deletion),
        ...deps,
      }),
    kindCount: (kind) => sandbox.calls.filter((c) => c.kind === kind).length,
  };
}

/** Runs a promise expected to fail and returns the error, failing the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** Runs a client call expected to fail with a LivePersonError and returns it. */
export async function lpFailure(promise: Promise<unknown>): Promise<LivePersonError> {
  const err = await failure(promise);
  expect(err).toBeInstanceOf(LivePersonError);
  return err as LivePersonError;
}

/** A port nothing listens on: a sandbox started and closed again. */
export async function closedPortUrl(): Promise<string> {
  const sandbox = await startSandbox({ accountId: ACCOUNT_ID });
  const url = sandbox.url;
  await sandbox.close();
  return url;
}
