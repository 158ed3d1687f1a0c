/** LivePerson's own explanation of a refusal, safe to show: nothing the caller sent survives. */

const MAX_DETAIL_LENGTH = 200;

/**
 * Pulls LivePerson's message out of an error body (plain text or JSON with message/error fields) and
 * removes every value the caller sent, since LivePerson may echo an id back.
 */
export function extractDetail(body: string, sent: readonly string[] = []): string | undefined {
  let text = body.trim();
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    text = pickMessage(parsed) ?? '';
  } catch {
    // Not JSON: keep it as text, unless it is an HTML error page.
    if (text.startsWith('<')) return undefined;
  }
  for (const value of sent) {
    if (value) text = text.split(value).join('[redacted]');
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

function pickMessage(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'error', 'errorMessage', 'msg']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (typeof value === 'object' && value !== null) {
      const nested = pickMessage(value);
      if (nested) return nested;
    }
  }
  return undefined;
}
