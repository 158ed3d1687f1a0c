import { ownCode } from '../domain/error-code.js';
import type { DeliveryVerdict } from '../service/ports.js';

/** Slack answers worth waiting out. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/**
 * Of those, the ones after which the call may have taken effect all the same: Slack documents for
 * `internal_error` and `fatal_error` that "some aspect of the operation" may have succeeded, and says
 * nothing of `service_unavailable` (the hardest reading: it may have).
 */
const MAYBE_DONE = new Set(['internal_error', 'fatal_error', 'service_unavailable']);
/** Refusals caused by what we sent: a bug in our blocks or text. */
const OURS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'invalid_arguments',
  'too_many_attachments',
  'no_text',
  'invalid_arg_name',
  'request_missing',
]);

/** Slack's answers to a wrong, revoked or misplaced token (at sign-in, a fix for the admin to make). */
const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'not_allowed_token_type',
]);

/**
 * At sign-in (auth.test): true when Slack's answer `code` may change by waiting: an outage or rate limit,
 * as for any call, or a workspace briefly restricted. Any other answer is about the token.
 */
export function waitsOutAtSignIn(code: string): boolean {
  return TRANSIENT.has(code) || code === 'team_is_restricted';
}

/** True when Slack's answer `code` refuses the token itself (Socket Mode's apps.connections.open). */
export function refusesToken(code: string): boolean {
  return TOKEN_REFUSED.has(code);
}

/** Slack's own error code (`data.error` of an @slack/web-api platform error), if it gave one. */
export function slackPlatformError(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | null | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The one classifier of Slack Web API failures: wait (outage, rate limit), needs an admin (token revoked,
 * bot removed from the channel, missing scope…: retried for days), or ours (blocks Slack refuses).
 * `unknown` marks a failure after which the call may have reached Slack and taken effect: no answer
 * (timeout, connection lost), an HTTP error other than 429, or an error Slack says may follow a partial
 * success. A post is then never repeated before Slack has been asked whether it arrived.
 */
export function classifySlackError(error: unknown): DeliveryVerdict {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string; response_metadata?: { messages?: string[] } };
  };
  const code = slackPlatformError(error) ?? ownCode(error) ?? 'unexpected';
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'transient', afterMs: (e.retryAfter ?? 1) * 1000, code: 'ratelimited' };
    case 'slack_webapi_request_error':
      // No answer: refused, reset, or our 10 s timeout. The request may have been carried out.
      return { kind: 'transient', code: 'unreachable', unknown: true };
    case 'slack_webapi_http_error':
      if (e.statusCode === 429) return { kind: 'transient', code: 'http_429' };
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'transient', code: `http_${e.statusCode ?? 500}`, unknown: true }
        : { kind: 'admin', code: `http_${e.statusCode ?? 0}`, unknown: true };
    case 'slack_webapi_platform_error':
      if (TRANSIENT.has(code))
        return { kind: 'transient', code, ...(MAYBE_DONE.has(code) ? { unknown: true } : {}) };
      if (OURS.has(code)) {
        return { kind: 'ours', code, detail: e.data?.response_metadata?.messages?.join('; ').slice(0, 300) };
      }
      return { kind: 'admin', code };
    case 'claim_expired':
      // The notice's claim may have run out before the post: nothing was sent; another may send it.
      return { kind: 'transient', code };
    default:
      // Something of ours failed, possibly after Slack took the post (an answer without a ts…).
      return OURS.has(code) ? { kind: 'ours', code } : { kind: 'transient', code, unknown: true };
  }
}
