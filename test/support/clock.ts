/** A clock tests move by hand (no fake timers): `now` is what the app, the sandbox or a service reads. */
export class TestClock {
  private at: Date;

  constructor(at: Date | string) {
    this.at = new Date(at);
  }

  now = (): Date => new Date(this.at);

  set(at: Date | string): void {
    this.at = new Date(at);
  }

  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}
