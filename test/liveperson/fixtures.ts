import { expect } from 'vitest';
import type { LivePersonConfig } from '../../src/config.js';
import type { LivePersonAuth } from '../../src/config/credentials.js';
import { createLivePersonClient, type LivePersonClientDeps } from '../../src/liveperson/client.js';
import { LivePersonError } from '../../src/liveperson/errors.js';
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

export interface Harness {
  sandbox: Sandbox;
  clock: ReturnType<typeof manualClock>;
  sleeps: number[];
  logs: { event: string; fields: Record<string, unknown> }[];
  client(
    overrides?: Partial<LivePersonConfig>,
    deps?: LivePersonClientDeps,
  ): ReturnType<typeof createLivePersonClient>;
  kindCount(kind: string): number;
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const clock = manualClock();
  const sandbox = await startSandbox({ accountId: ACCOUNT_ID, now: clock.now, ...options });
  const sleeps: number[] = [];
  const logs: Harness['logs'] = [];
  return {
    sandbox,
    clock,
    sleeps,
    logs,
    client: (overrides = {}, deps = {}) =>
      createLivePersonClient(configFor(sandbox, overrides), {
        now: clock.now,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        log: (event, fields) => logs.push({ event, fields }),
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
