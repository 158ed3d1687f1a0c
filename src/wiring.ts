import type { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import type { LivePersonClient } from './liveperson/client.js';
import { createEngagementHistoryClient } from './liveperson/history/engagement-history-client.js';
import { createGateway } from './liveperson/gateway.js';
import { createMsgHistoryClient } from './liveperson/history/msg-history-client.js';
import type { Logger } from './log.js';
import { Decisions } from './service/decisions.js';
import { Filing } from './service/filing.js';
import { Submission } from './service/submission.js';
import { StatusReads } from './service/status-reads.js';
import { Cancellation } from './service/cancellation.js';
import { Sweeps } from './service/approval-sweeps.js';
import { homeLists } from './service/home-lists.js';
import { FollowUp } from './service/follow-up.js';
import { Housekeeping } from './service/housekeeping.js';
import { NoticeDelivery } from './service/notice-delivery.js';
import { PersonErasure } from './service/person-erasure.js';
import type { PersonSearchClients } from './service/person-search.js';
import { HeldBack } from './service/held-back.js';
import { QuotaService } from './service/quota-service.js';
import { QuotaSync } from './service/quota-sync.js';
import { Verification, VERIFY_SOURCE } from './service/verification.js';
import { errorCode } from './domain/error-code.js';
import { systemClock, type Clock } from './domain/clock.js';
import { SlackDirectory } from './slack/directory.js';
import { SlackNoticeSender } from './slack/notice-sender.js';
import { SlackStepCompleter } from './slack/step-completer.js';
import { WorkflowSteps } from './service/workflow-steps.js';
import { Intake } from './service/intake.js';
import { IntakeCallbacks } from './service/intake-callbacks.js';
import { callbackPoster } from './intake/api.js';
import type { RequestStore } from './store/port.js';

/**
 * The services and what they are built from, each made once, in the order they depend on each other:
 * nothing here calls Slack, LivePerson or the store yet (app.ts starts them).
 */

export interface ServiceDeps {
  config: Config;
  lp: LivePersonClient;
  store: RequestStore;
  /** The Slack Web API client of the Bolt app: the directory uses it (and the notices, without the next). */
  slack: WebClient;
  /** The client the notices post with: no retries of its own (see bolt-app.ts). */
  noticeSlack?: WebClient;
  /** How long any Slack call may take (default 10 s). */
  slackTimeoutMs?: number;
  /** How long a notice's claim holds (default 30 s); must exceed slackTimeoutMs. */
  noticeClaimMs?: number;
  now: Clock;
  log: Logger;
  /** How often the sweep (reminders, expiry, daily quota sync) runs; default 10 minutes. */
  sweepIntervalMs?: number;
  /** First retry delay of Slack notices (default 1 s); tests shorten it. */
  noticeBaseDelayMs?: number;
  /** LivePerson's history APIs (erasing a person); built from `config.liveperson` when absent. */
  history?: PersonSearchClients;
  /** Records per history page (LivePerson's maximum of 100 by default); tests make pages small. */
  historyPageSize?: number;
  /** How often erasures of the intake API are followed and their callbacks sent (default 5 s). */
  intakeIntervalMs?: number;
}

/** The use cases and their plumbing, as the app and the listeners get them. */
export type Services = ReturnType<typeof wireServices>;

export function wireServices(deps: ServiceDeps) {
  const { config, lp, store, now, log } = deps;
  const directory = new SlackDirectory({
    client: deps.slack,
    approverUserIds: config.slack.approverUserIds,
    approverUsergroupId: config.slack.approverUsergroupId,
    requesterUserIds: config.slack.requesterUserIds,
    requesterUsergroupId: config.slack.requesterUsergroupId,
  });
  const { accountId, legacyTicketing } = config.liveperson;
  const { monthlyLimit, quotaTimeZone } = config;
  const quota = new QuotaService({ store, accountId, monthlyLimit, quotaTimeZone, now });
  const timers = {
    reminderHours: config.slack.approvalReminderHours,
    expiryDays: config.slack.approvalExpiryDays,
  };
  const filing = new Filing({
    store,
    quota,
    directory,
    accountId,
    legacyTicketing,
    timeZone: quotaTimeZone,
    now,
    log,
  });
  const submission = new Submission({ store, lp, accountId, now, log });
  const decisions = new Decisions({ store, quota, directory, submission, timers, now, log });
  const verification = new Verification({
    store,
    // Its own `source`: LivePerson throttles per source, so read-backs never slow a person search.
    connection: createGateway(config.liveperson, { log, source: VERIFY_SOURCE }),
    directory,
    file: (input) => filing.file(input),
    retryMs: config.slack.statusPollMinutes * 60_000,
    now,
    log,
  });
  const statusReads = new StatusReads({ store, lp, directory, verification, now, log });
  const cancellation = new Cancellation({ store, lp, directory, now, log });
  const sweeps = new Sweeps({ store, timers, now, log });
  const quotaSync = new QuotaSync({ store, lp, quota, quotaTimeZone, now, log });
  const delivery = new NoticeDelivery({
    store,
    sender: new SlackNoticeSender(
      deps.noticeSlack ?? deps.slack,
      config.slack.privacyChannelId,
      now,
      quotaTimeZone,
      config.slack.approverUserIds,
    ),
    quota: () => quota.report(),
    log,
    now,
    baseDelayMs: deps.noticeBaseDelayMs,
    callTimeoutMs: deps.slackTimeoutMs,
    claimMs: deps.noticeClaimMs,
  });
  store.onNoticesQueued(() => delivery.kick());
  const chatHistory = config.liveperson.chatHistory ?? false;
  const history = deps.history ?? {
    ...historyClients(config, chatHistory, log),
    ...(deps.historyPageSize ? { pageSize: deps.historyPageSize } : {}),
  };
  const person = new PersonErasure({
    filing,
    directory,
    quota,
    store,
    history,
    chatHistory,
    timeZone: quotaTimeZone,
    now,
    log,
  });
  const heldBack = new HeldBack({ store, quota, filing, msgHist: history.msgHist, log });
  // The Workflow Builder step: completed when a decision has played out, and by the sweep after a restart.
  const workflow = new WorkflowSteps({
    filing,
    quota,
    person,
    store,
    completer: new SlackStepCompleter(deps.slack),
    timeZone: quotaTimeZone,
    now,
    log,
  });
  decisions.onDecided((leadId) => void workflow.settle(leadId));
  // The intake API (issue 21): erasures follow their requests; callbacks are kept in the store.
  const intake = new Intake({
    filing,
    quota,
    person,
    store,
    now,
    log,
    onCallbacksQueued: () => callbacks.kick(),
  });
  const callbacks = new IntakeCallbacks({
    store,
    // Waits, claims and the signature's timestamp are wall-clock time, as the platform checks it.
    post: callbackPoster(config.intake?.callbackSecret, systemClock),
    refresh: () => intake.refreshAll(),
    now: systemClock,
    log,
    intervalMs: deps.intakeIntervalMs,
    baseDelayMs: deps.noticeBaseDelayMs,
    // DONE and the read-back arrive at the follow-up's pace: read them as often, at most once a minute.
    refreshEveryMs: Math.min(60_000, config.slack.statusPollMinutes * 60_000),
  });
  decisions.onDecided(
    (leadId) =>
      void intake.refreshLead(leadId).then(
        () => callbacks.kick(),
        () => undefined,
      ),
  );
  const housekeeping = new Housekeeping({
    store,
    sweeps,
    quotaSync,
    recover: () => decisions.recover(),
    recheckHeldBack: () => heldBack.recheck(),
    purgeSearches: () => person.purgeSearches(),
    settleWorkflowSteps: () => workflow.settleAll(),
    intervalMs: deps.sweepIntervalMs,
    log,
  });
  const followUp = new FollowUp({
    store,
    lp,
    recover: () => submission.recover(),
    intervalMs: config.slack.statusPollMinutes * 60_000,
    verification,
    now,
    log,
  });
  return {
    directory,
    quota,
    filing,
    submission,
    decisions,
    statusReads,
    cancellation,
    sweeps,
    heldBack,
    homeLists: (userId: string) => homeLists({ store, directory }, userId),
    quotaSync,
    delivery,
    person,
    workflow,
    intake,
    callbacks,
    housekeeping,
    followUp,
    verification,
  };
}

/** The history clients from the rtbf client's settings (same Domain API, same credentials). */
function historyClients(config: Config, chatHistory: boolean, log: Logger): PersonSearchClients {
  const connection = createGateway(config.liveperson, { log });
  return {
    msgHist: createMsgHistoryClient(connection),
    ...(chatHistory ? { engHist: createEngagementHistoryClient(connection) } : {}),
    log,
  };
}

/**
 * With PostgreSQL, a replica that dies while sending a request leaves it `submitting`, and its lease
 * runs out after REPLICA_LEASE_SECONDS. Looking for such requests is one indexed read, so every replica
 * looks every third of the lease rather than at the 10-minute sweep; finding one runs the sweep at once,
 * which reconciles it with LivePerson's list (under the sweep's lock: one replica does it).
 * Returns the timer, for stop to clear.
 */
export function watchOrphans(
  { config, store, log }: Pick<ServiceDeps, 'config' | 'store' | 'log'>,
  housekeeping: Housekeeping,
): NodeJS.Timeout {
  let checking = false;
  const timer = setInterval(
    () => {
      if (checking) return;
      checking = true;
      store
        .orphanedSubmissions()
        .then((orphans) => (orphans.length > 0 ? housekeeping.runOnce() : undefined))
        .catch((error: unknown) => log.warn('orphan_check_failed', { code: errorCode(error) }))
        .finally(() => {
          checking = false;
        });
    },
    Math.max(250, (config.replicaLeaseSeconds * 1000) / 3),
  );
  timer.unref();
  return timer;
}
