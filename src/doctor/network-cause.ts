/**
 * Why a call never got an answer, in a few words that name the host: "DNS failure for slack.com",
 * "127.0.0.1:9 refused the connection", "no answer from slack.com within 10 s", "TLS failure with
 * slack.com (CERT_HAS_EXPIRED)", "slack.com answered HTTP 503". Start-up and the doctor both say it
 * first, before what to do, because it decides what to do. Never a token, id or path: a host and a code.
 */

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
  'AbortError',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
/** OpenSSL and Node TLS codes: certificate problems and handshakes that failed. */
const TLS =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH|EPROTO$)/;

/** Every code-like value on the error and its causes (`err.code`, `err.cause.code`, Slack's `original`). */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; name?: unknown; original?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.name === 'string') codes.push(e.name);
    current = e.original ?? e.cause;
  }
  return codes;
}

/** The host (with its port when one is given) of a URL, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The cause of a failure to reach `host`, in words; `timeoutMs` is the deadline the caller gave (for
 * "no answer within 10 s"). `code` overrides what the error carries (a code already extracted).
 */
export function networkCause(
  host: string,
  err: unknown,
  options: { timeoutMs?: number; code?: string; httpStatus?: number } = {},
): string {
  const status = options.httpStatus ?? (err as { statusCode?: unknown } | undefined)?.statusCode ?? undefined;
  if (typeof status === 'number') return `${host} answered HTTP ${status}`;
  const codes = options.code ? [options.code] : codesOf(err);
  const within = options.timeoutMs ? ` within ${Math.round(options.timeoutMs / 1000)} s` : '';
  if (codes.some((c) => DNS.has(c))) return `DNS failure for ${host}`;
  if (codes.some((c) => REFUSED.has(c))) return `${host} refused the connection`;
  if (codes.some((c) => TIMEOUT.has(c))) return `no answer from ${host}${within}`;
  const tls = codes.find((c) => TLS.test(c));
  if (tls) return `TLS failure with ${host} (${tls})`;
  if (codes.some((c) => RESET.has(c))) return `${host} closed the connection`;
  if (codes.some((c) => NO_ROUTE.has(c))) return `no route to ${host}`;
  const code = codes.find((c) => /^E[A-Z]+$|^UND_ERR_/.test(c));
  return `${host} could not be reached${code ? ` (${code})` : ''}`;
}
