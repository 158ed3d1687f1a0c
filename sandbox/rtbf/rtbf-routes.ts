import type { IncomingMessage } from 'node:http';
import { isContentType, message, type Answer } from './answer.js';
import {
  canCancel,
  createShape,
  getShape,
  matchesListQuery,
  parseCreateBody,
  parseListQuery,
  requestsThisMonth,
} from './rules.js';
import { storeRequest, type SandboxState } from './state.js';

/** The Personal Data Deletion (rtbf) API: create, list, get and cancel, for an authenticated caller. */

export function create(state: SandboxState, req: IncomingMessage, body: string, identity: string): Answer {
  if (!isContentType(req, 'application/json')) return message(400, 'Content-Type must be application/json');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return message(400, 'Request body is not valid JSON');
  }
  const parsed = parseCreateBody(json, state.legacyTicketing);
  if (!parsed.ok) return message(400, parsed.message);
  if (requestsThisMonth(state.requests, state.now()) >= state.monthlyLimit) {
    return message(429, 'Requests threshold for current month was reached');
  }
  const record = storeRequest(state, {
    type: parsed.type,
    ids: parsed.ids,
    requestTime: state.now(),
    requestedBy: identity,
  });
  return { status: 201, json: createShape(record) };
}

export function list(state: SandboxState, url: URL): Answer {
  const query = parseListQuery(url.searchParams);
  if (!query.ok) return message(400, query.message);
  const at = state.now();
  return {
    status: 200,
    json: state.requests.filter((r) => matchesListQuery(r, query, at)).map((r) => getShape(r, at)),
  };
}

export function getOne(state: SandboxState, id: string, url: URL): Answer {
  if ([...url.searchParams.keys()].length > 0)
    return message(400, 'Query parameters are not allowed with an id');
  if (!/^\d+$/.test(id)) return message(400, 'request_id must be a number');
  const record = state.requests.find((r) => String(r.requestId) === id);
  return record
    ? { status: 200, json: [getShape(record, state.now())] }
    : message(404, 'Deletion request not found');
}

export function cancel(state: SandboxState, id: string, body: string, identity: string): Answer {
  if (body.trim() !== '') return message(400, 'Cancel takes no body');
  if (!/^\d+$/.test(id)) return message(400, 'request_id must be a number');
  const record = state.requests.find((r) => String(r.requestId) === id);
  if (!record) return message(404, 'Deletion request not found');
  const refusal = canCancel(record, state.now());
  if (refusal) return message(400, refusal);
  record.isCanceled = true;
  record.cancelledBy = identity;
  record.cancelTimestamp = state.now().toISOString();
  return { status: 200, json: [createShape(record)] };
}
