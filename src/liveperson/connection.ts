import type { AxiosInstance } from 'axios';
import type { LivePersonConfig } from '../config.js';
import { createAuthProvider, type AuthProvider } from './auth.js';
import { createDomainResolver, type DomainResolver } from './domain-api.js';
import { createTransport, type LpLogger, type Transport } from './http.js';

export interface ConnectionDeps {
  http?: AxiosInstance;
  log: LpLogger;
  now: () => Date;
  domainCacheTtlMs?: number;
}

/**
 * What every LivePerson API client shares: one transport, the Domain API look-up and the credentials
 * (the deletion API and the history APIs use the same account and key).
 */
export function connectLivePerson(
  config: LivePersonConfig,
  deps: ConnectionDeps,
  overrides: { rtbf?: string; sentinel?: string },
): { transport: Transport; resolver: DomainResolver; auth: AuthProvider } {
  const { log, now } = deps;
  const transport = createTransport(deps.http, log, now);
  const resolver = createDomainResolver({
    accountId: config.accountId,
    domainApiUrl: config.domainApiUrl,
    overrides,
    transport,
    timeoutMs: config.timeoutMs,
    now,
    log,
    ttlMs: deps.domainCacheTtlMs,
  });
  const auth = createAuthProvider(config.auth, {
    accountId: config.accountId,
    transport,
    timeoutMs: config.timeoutMs,
    now,
    log,
    sentinelBaseUrl: () => resolver.baseUrl('sentinel'),
  });
  return { transport, resolver, auth };
}
