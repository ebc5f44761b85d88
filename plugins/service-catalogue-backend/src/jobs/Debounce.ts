/**
 * The clock a debounce waits on; tests hand in one they move by hand.
 *
 * @internal
 */
export interface DebounceClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: DebounceClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Makes a burst of calls one: the action runs once, `delayMs` after the
 * first call of a burst. A directory sync changes many users at once, and
 * each change needs no run of its own.
 *
 * @internal
 */
export class Debounce {
  static create(options: {
    delayMs: number;
    action: () => unknown;
    clock?: DebounceClock;
  }): Debounce {
    return new Debounce(
      options.delayMs,
      options.action,
      options.clock ?? realClock,
    );
  }

  private pending: unknown;

  private constructor(
    private readonly delayMs: number,
    private readonly action: () => unknown,
    private readonly clock: DebounceClock,
  ) {}

  call(): void {
    if (this.pending !== undefined) {
      return;
    }
    this.pending = this.clock.setTimeout(() => {
      this.pending = undefined;
      this.action();
    }, this.delayMs);
  }

  /** Drops a run that has not begun, such as at shutdown. */
  cancel(): void {
    if (this.pending !== undefined) {
      this.clock.clearTimeout(this.pending);
      this.pending = undefined;
    }
  }
}
