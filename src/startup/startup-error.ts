import { startupRefusal } from '../doctor/words.js';

/**
 * A reason the app cannot start that a person can fix: the message is one line saying what is wrong and
 * what to do (the doctor's detail and fix, worded by startupRefusal), printed as it is (no stack trace),
 * and the process exits 1.
 */
export class StartupError extends Error {
  constructor(
    readonly code: 'SLACK_TOKEN_REJECTED' | 'SLACK_APP_TOKEN_REJECTED' | 'DATA_FOLDER_UNWRITABLE',
    { detail, fix }: { detail: string; fix: string },
  ) {
    super(startupRefusal(detail, fix));
    this.name = 'StartupError';
  }
}
