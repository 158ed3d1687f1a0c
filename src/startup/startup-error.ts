/**
 * A reason the app cannot start that a person can fix: the message is one line saying what is wrong and
 * what to do, printed as it is (no stack trace), and the process exits 1.
 */
export class StartupError extends Error {
  constructor(
    readonly code: 'SLACK_TOKEN_REJECTED' | 'SLACK_APP_TOKEN_REJECTED' | 'DATA_FOLDER_UNWRITABLE',
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}
