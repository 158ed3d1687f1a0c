import type { IncomingMessage } from 'node:http';
import { message, type Answer } from './answer.js';
import { authenticate } from './auth.js';
import { domainLookup } from './domain-routes.js';
import { cancel, create, getOne, list } from './rtbf-routes.js';
import { plainAccount, type SandboxState } from './state.js';
import { issueToken } from './token-routes.js';
import type { SandboxCallKind } from './types.js';

/** Which path is which call, and who answers it. The Domain API and Sentinel need no caller. */

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

export function findRoute(method: string, path: string) {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match && route.method === method) return { kind: route.kind, params: match.slice(1) };
  }
  return undefined;
}

export function dispatch(
  state: SandboxState,
  kind: SandboxCallKind,
  params: (string | undefined)[],
  req: IncomingMessage,
  url: URL,
  body: string,
): Answer {
  const [account = '', second = ''] = params;
  switch (kind) {
    case 'domain':
      return domainLookup(state, account, second, url);
    case 'token':
      return issueToken(state, account, req, body);
  }
  const caller = authenticate(state, req, url);
  if (!caller.ok) return caller.answer;
  if (plainAccount(account) !== state.accountId) return message(403, 'Not authorized for this account');
  switch (kind) {
    case 'create':
      return create(state, req, body, caller.identity);
    case 'list':
      return list(state, url);
    case 'get':
      return getOne(state, second, url);
    case 'cancel':
      return cancel(state, second, body, caller.identity);
  }
}
