/** Why the store could not do what was asked; the message names the file and what to do. */
export type StoreErrorCode = 'STORE_UNREADABLE' | 'STORE_WRITE_FAILED' | 'STORE_LOCKED' | 'STORE_READ_ONLY';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
