import type { Logger } from '../../log.js';
import type { DeletionService } from '../../service/deletion-service.js';
import type { SlackDirectory } from '../directory.js';

/** What every listener may use: listeners parse, call the service, and render; rules live in domain/. */
export interface ListenerContext {
  service: DeletionService;
  directory: SlackDirectory;
  accountId: string;
  legacyTicketing: boolean;
  log: Logger;
}
