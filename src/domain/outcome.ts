/**
 * An expected "no" (refused approval, quota spent, not yours to see): a return value, never thrown. The
 * listener shows `message` to the person; `code` is for logs and tests. The one definition for the domain
 * and the services.
 */
export interface Refusal<Code extends string = string> {
  ok: false;
  code: Code;
  message: string;
}

/** A rule's verdict: allowed, or refused with a code. */
export type Permission<Code extends string = string> = { ok: true } | Refusal<Code>;

/** A use case's result: what it produced, or why it refused. */
export type Outcome<T, Code extends string = string> = ({ ok: true } & T) | Refusal<Code>;
