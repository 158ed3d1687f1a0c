/**
 * Why a call never got an answer, in a few words that name the host: "DNS failure for slack.com",
 * "127.0.0.1:9 refused the connection", "no answer from slack.com within 10 s", "TLS failure with
 * slack.com (CERT_HAS_EXPIRED)", "slack.com answered HTTP 503". Start-up and the doctor both say it
 * first, before what to do, because it decides what to do. Never a token, id or path: a host and a code.
 */

/** Each kind of failure: the codes that say it (Node's, undici's, OpenSSL's), and its words; the first match wins. */
const CAUSES: [RegExp, (host: string, code: string, within: string) => string][] = [
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, (host) => `DNS failure for ${host}`],
  [/^ECONNREFUSED$/, (host) => `${host} refused the connection`],
  [
    /^(ETIMEDOUT|ESOCKETTIMEDOUT|ECONNABORTED|UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT|TimeoutError|AbortError)$/,
    (host, _code, within) => `no answer from ${host}${within}`,
  ],
  // Certificate problems and handshakes that failed.
  [
    /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH|EPROTO$)/,
    (host, code) => `TLS failure with ${host} (${code})`,
  ],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/, (host) => `${host} closed the connection`],
  [/^(EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)$/, (host) => `no route to ${host}`],
];

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
  for (const [pattern, say] of CAUSES) {
    const code = codes.find((c) => pattern.test(c));
    if (code) return say(host, code, within);
  }
  const code = codes.find((c) => /^E[A-Z]+$|^UND_ERR_/.test(c));
  return `${host} could not be reached${code ? ` (${code})` : ''}`;
}
