import type { App } from '@slack/bolt';
import { ACTION, CALLBACK, COMMAND, FUNCTION, PERSON_CALLBACK } from '../ids.js';
import { erasePersonStep } from './functions/erase-person-step.js';
import { personSubmission } from './views/person-submission.js';
import { lpDeleteCommand } from './commands/lp-delete-command.js';
import {
  approveAction,
  cancelDeletionAction,
  fileAgainAction,
  fileHeldBackAction,
  refreshStatusAction,
  rejectAction,
} from './actions/request-buttons.js';
import type { ListenerContext } from './context.js';
import { rejectSubmission } from './views/reject-submission.js';
import { appHomeOpened } from './events/app-home-opened.js';
import { requestSubmission } from './views/request-submission.js';
import { registerUnknownHandlers } from './unknown.js';

export function registerListeners(app: App, ctx: ListenerContext): void {
  app.command(COMMAND, lpDeleteCommand(ctx));
  app.view(CALLBACK.requestModal, requestSubmission(ctx));
  app.view(CALLBACK.rejectModal, rejectSubmission(ctx));
  app.view(PERSON_CALLBACK.result, personSubmission(ctx));
  app.action(ACTION.approve, approveAction(ctx));
  app.action(ACTION.reject, rejectAction(ctx));
  app.action(ACTION.refreshStatus, refreshStatusAction(ctx));
  app.action(ACTION.cancelDeletion, cancelDeletionAction(ctx));
  app.action(ACTION.fileHeldBack, fileHeldBackAction(ctx));
  app.action(ACTION.fileAgain, fileAgainAction(ctx));
  app.event('app_home_opened', appHomeOpened(ctx));
  if (ctx.workflow) app.function(FUNCTION.erasePerson, erasePersonStep(ctx.workflow, ctx.log));
  // Last, and matching only ids not handled above.
  registerUnknownHandlers(app, ctx);
}
