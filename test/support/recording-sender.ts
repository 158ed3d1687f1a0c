import type { Notice } from '../../src/domain/notices.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import type {
  DeliveryVerdict,
  GroupState,
  MessageRef,
  NoticeSender,
  SendAttempt,
} from '../../src/service/ports.js';
import type { QuotaReport } from '../../src/service/quota-service.js';

/** One notice the sender was asked to deliver. */
export interface SentNotice {
  kind: Notice['kind'];
  /** The request's id; undefined for the channel lane (quota alerts). */
  requestId: string | undefined;
  notice: Notice;
  /** The request's state at delivery (the real sender renders from it). */
  status: DeletionRequest['status'] | undefined;
  /** Whether the attempt failed (true) or Slack "took" it. */
  failed: boolean;
  /** The delivery said an earlier attempt may have posted (the real sender looks in Slack first). */
  maybePosted?: boolean;
}

/** A failure the test arranged: the sender throws it, and `classify` answers with its verdict. */
class ArrangedFailure extends Error {
  constructor(readonly verdict: DeliveryVerdict) {
    super(`arranged delivery failure: ${verdict.code}`);
    this.name = 'ArrangedFailure';
  }
}

/**
 * A NoticeSender that records what would be sent (kind and request id) and can be told to fail. A post
 * "lands" at `C-PRIVACY` with a ts counting up, so the delivery worker stores where approval and record
 * messages landed, as it does with Slack.
 */
export class RecordingSender implements NoticeSender {
  readonly sent: SentNotice[] = [];
  readonly channelId: string;
  private readonly failures: { verdict: DeliveryVerdict; times: number; when: (n: Notice) => boolean }[] = [];
  private ts = 0;

  constructor(options: { channelId?: string } = {}) {
    this.channelId = options.channelId ?? 'C-PRIVACY';
  }

  /** The next `times` attempts (of notices matching `when`, default any) fail with `verdict`. */
  failWith(verdict: DeliveryVerdict, times = 1, when: (notice: Notice) => boolean = () => true): void {
    this.failures.push({ verdict, times, when });
  }

  /** What was delivered (not failed attempts), as `kind` or `requestId:kind`. */
  delivered(options: { withLane?: boolean } = {}): string[] {
    return this.sent
      .filter((s) => !s.failed)
      .map((s) => (options.withLane ? `${s.requestId ?? '_channel'}:${s.kind}` : s.kind));
  }

  async send(
    notice: Notice,
    request: DeletionRequest | undefined,
    _quota: QuotaReport,
    _group?: GroupState,
    attempt?: SendAttempt,
  ): Promise<{ posted?: MessageRef }> {
    const failure = this.failures.find((f) => f.times > 0 && f.when(notice));
    const entry: SentNotice = {
      kind: notice.kind,
      requestId: request?.id,
      notice: structuredClone(notice),
      status: request?.status,
      failed: failure !== undefined,
      ...(attempt?.maybePosted ? { maybePosted: true } : {}),
    };
    this.sent.push(entry);
    if (failure) {
      failure.times -= 1;
      throw new ArrangedFailure(failure.verdict);
    }
    const posts = notice.kind === 'approval_post' || notice.kind === 'record_post';
    return posts ? { posted: { channelId: this.channelId, ts: `${1_700_000_000 + ++this.ts}.000100` } } : {};
  }

  classify(error: unknown): DeliveryVerdict {
    if (error instanceof ArrangedFailure) return error.verdict;
    return { kind: 'ours', code: 'unexpected' };
  }
}
