import { message, type Answer } from './answer.js';
import { plainAccount, type SandboxState } from './state.js';

/** The Domain API: which host serves a LivePerson service for an account (here, always this sandbox). */

const OWN_SERVICES = ['rtbf', 'sentinel', 'agentVep'];

export function domainLookup(state: SandboxState, account: string, service: string, url: URL): Answer {
  if (url.searchParams.get('version') !== '1.0') return message(400, 'version=1.0 is required');
  if (plainAccount(account) !== state.accountId) return message(404, 'Account not found');
  const extended = state.extensions.flatMap((e) => e.services);
  if (![...OWN_SERVICES, ...extended].includes(service)) {
    return message(404, 'Service not found');
  }
  return { status: 200, json: { service, account, baseURI: state.baseHost } };
}
