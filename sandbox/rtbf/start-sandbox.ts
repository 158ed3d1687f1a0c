import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { message, send, type Answer } from './answer.js';
import { authenticate } from './auth.js';
import { readBody } from './http.js';
import { dispatch, findRoute } from './router.js';
import { statusOf } from './rules.js';
import {
  addExternalRequest,
  addInjection,
  createState,
  injectedAnswer,
  resetState,
  takeInjection,
} from './state.js';
import type { Sandbox, SandboxCall, SandboxInjection, SandboxOptions } from './types.js';

/**
 * A local stand-in for LivePerson's Domain API, Sentinel and the Personal Data Deletion API, over plain
 * node:http. It is deliberately strict (content types, body rules, signatures, token expiry) so client
 * bugs fail here rather than against the real account, and it can be told to misbehave (`inject`).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = createState(options);
  const host = options.host ?? '127.0.0.1';
  const timers = new Set<NodeJS.Timeout>();
  // Extensions see the requests and when each is DONE (the history stand-in masks what it covered).
  for (const extension of state.extensions) {
    extension.attachRtbf?.({ requests: state.requests, statusOf: (r) => statusOf(r, state.now()) });
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, message(500, 'sandbox failure'), state.now());
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? state.baseHost}`);
    const body = await readBody(req);
    for (const extension of state.extensions) {
      const contentType = req.headers['content-type'];
      const authorize = () => authenticate(state, req, url).ok;
      const answer = extension.handle({ method: req.method ?? 'GET', url, contentType, body, authorize });
      if (answer) {
        send(res, answer, state.now());
        return;
      }
    }
    const route = findRoute(req.method ?? 'GET', url.pathname);
    const call: SandboxCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      kind: route?.kind ?? 'unknown',
    };
    state.calls.push(call);
    if (!route) return answerCall(res, call, message(404, 'Not found'), undefined);
    const rule = takeInjection(state, route.kind);
    // LivePerson holding the call before carrying it out: the request is filed only after the hold.
    if (rule?.holdMs) await pause(rule.holdMs);
    if (rule?.status === undefined) {
      return answerCall(res, call, dispatch(state, route.kind, route.params, req, url, body), rule);
    }
    // The real answer of a carried-out call is discarded: only its effect (a filed request) remains.
    if (rule.carryOut) dispatch(state, route.kind, route.params, req, url, body);
    return answerCall(res, call, injectedAnswer(rule), rule);
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
    send(res, answer, state.now());
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // LivePerson's Domain API answers a bare host; the client adds the scheme.
  state.baseHost = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    url: `http://${state.baseHost}`,
    port,
    accountId: state.accountId,
    credentials: state.credentials,
    get requests() {
      return state.requests;
    },
    get calls() {
      return state.calls;
    },
    inject: (rule) => addInjection(state, rule),
    expireTokens() {
      state.tokens.clear();
    },
    addExternalRequest: (input) => addExternalRequest(state, input),
    statusOf: (request) => statusOf(request, state.now()),
    reset: () => resetState(state),
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
