/** Whether the last write to the data folder failed: the store reports itself unhealthy until one succeeds. */
export class WriteHealth {
  private failing = false;

  healthy(): boolean {
    return !this.failing;
  }

  async track(write: () => Promise<void>): Promise<void> {
    try {
      await write();
      this.failing = false;
    } catch (error) {
      this.failing = true;
      throw error;
    }
  }
}
