/**
 * Whether the last write to the data folder failed: the store reports itself unhealthy until one succeeds.
 * Every write first passes `guard` (the folder lock's check that this instance still holds the folder).
 */
export class WriteHealth {
  private failing = false;

  constructor(readonly guard: () => Promise<void> = () => Promise.resolve()) {}

  healthy(): boolean {
    return !this.failing;
  }

  async track(write: () => Promise<void>): Promise<void> {
    try {
      await this.guard();
      await write();
      this.failing = false;
    } catch (error) {
      this.failing = true;
      throw error;
    }
  }
}
