/**
 * Lets the targets of a run take turns, one measured operation each, in a fixed rotation. The
 * machine is shared (two cores, other work coming and going), so measuring every target's
 * operation within the same minute or so puts the same outside load on all of them; measuring
 * one target after another would compare a quiet minute with a busy one.
 */
export class Turns {
  private holder = false;
  private readonly waiting: (() => void)[] = [];

  /** Waits for the turn; the first caller gets it at once. */
  async take(): Promise<void> {
    if (!this.holder) {
      this.holder = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Gives the turn to the longest-waiting target, if any. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.holder = false;
  }

  /** Hands the turn on and waits for it to come round again. */
  async pass(): Promise<void> {
    this.give();
    await this.take();
  }
}
