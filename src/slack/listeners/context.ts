import type { Logger } from '../../log.js';
import type { DeletionService } from '../../service/deletion-service.js';
import type { LifecycleService } from '../../service/lifecycle-service.js';
import type { PersonErasure } from '../../service/person-erasure.js';
import type { QuotaSync } from '../../service/quota-sync.js';
import type { Verification } from '../../service/verification.js';
import type { WorkflowSteps } from '../../service/workflow-steps.js';
import type { SlackDirectory } from '../directory.js';

/** What every listener may use: listeners parse, call the service, and render; rules live in domain/. */
export interface ListenerContext {
  service: DeletionService;
  person: PersonErasure;
  lifecycle: LifecycleService;
  quotaSync: QuotaSync;
  directory: SlackDirectory;
  /** Proof of erasure: `/lp-delete verify` and File again (absent in listener tests that do not use it). */
  verification?: Verification;
  accountId: string;
  legacyTicketing: boolean;
  log: Logger;
  /** The Workflow Builder step (`lp_erase_person`); absent in listener unit tests. */
  workflow?: WorkflowSteps;
}
