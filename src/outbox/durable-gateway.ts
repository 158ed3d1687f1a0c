import type { DeletionRequest } from '../domain/request.js';
import type { SlackGateway } from '../service/deletion-service.js';
import type { DeliveryVerdict, OutboxItem } from './outbox.js';

/** Items about no particular request (e.g. a quota alert) share one ordered lane. */
export const CHANNEL_LANE = '_channel';

function isRequest(value: unknown): value is DeletionRequest {
  return (
    typeof value === 'object' && value !== null && 'id' in value && 'history' in value && 'status' in value
  );
}

/** Dates survive the JSON round trip through the outbox file as `{ $date: iso }`. */
function encode(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
      const raw = this[key];
      return raw instanceof Date ? { $date: raw.toISOString() } : v;
    }),
  );
}

function decode(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'object' && v !== null && '$date' in v && typeof (v as { $date: unknown }).$date === 'string'
      ? new Date((v as { $date: string }).$date)
      : v,
  );
}

export interface DurableGatewayDeps {
  enqueue(lane: string, op: string, args: unknown[]): Promise<void>;
  getRequest(id: string): DeletionRequest | undefined;
}

/**
 * Wraps a SlackGateway so that every call is queued durably instead of made at once. A call whose first
 * argument is a request is queued in that request's lane and, at delivery, is given the request's latest
 * stored state (so an update never shows something older than what is stored). Other arguments must be
 * plain data; Dates are kept.
 */
export function durableGateway(deps: DurableGatewayDeps): SlackGateway {
  return new Proxy({} as SlackGateway, {
    get(_target, op) {
      if (typeof op !== 'string' || op === 'then') return undefined;
      return async (...given: unknown[]) => {
        // Optional arguments left out must not become nulls at delivery.
        const args = [...given];
        while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
        const [first, ...rest] = args;
        if (isRequest(first)) await deps.enqueue(first.id, op, rest.map(encode));
        else await deps.enqueue(CHANNEL_LANE, op, args.map(encode));
      };
    },
  });
}

/** Delivers one queued item through the real gateway. */
export async function deliverThrough(
  inner: SlackGateway,
  item: OutboxItem,
  getRequest: (id: string) => DeletionRequest | undefined,
): Promise<void> {
  const method = (inner as unknown as Record<string, unknown>)[item.op];
  if (typeof method !== 'function') throw new PermanentDeliveryError(`unknown_operation`);
  const args = item.args.map(decode);
  if (item.requestId === CHANNEL_LANE) {
    await (method as (...a: unknown[]) => Promise<unknown>).apply(inner, args);
    return;
  }
  const request = getRequest(item.requestId);
  if (!request) throw new PermanentDeliveryError('request_missing');
  await (method as (...a: unknown[]) => Promise<unknown>).apply(inner, [request, ...args]);
}

export class PermanentDeliveryError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'PermanentDeliveryError';
  }
}

/** Slack answers worth waiting out; anything else is a refusal that retrying will not fix. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Classifies an @slack/web-api error for the outbox. */
export function classifySlackError(error: unknown): DeliveryVerdict {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { retry: true, afterMs: (e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_request_error':
      return { retry: true };
    case 'slack_webapi_http_error':
      return (e.statusCode ?? 500) >= 500 || e.statusCode === 429 ? { retry: true } : { retry: false };
    case 'slack_webapi_platform_error':
      return TRANSIENT_PLATFORM_ERRORS.has(e.data?.error ?? '') ? { retry: true } : { retry: false };
    default:
      return { retry: false };
  }
}
