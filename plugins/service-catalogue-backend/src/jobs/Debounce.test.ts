import { Debounce, DebounceClock } from './Debounce';

/** A clock that moves only when the test says so. */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock: DebounceClock = {
    setTimeout(fn, ms) {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [handle, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(handle);
        timer.fn();
      }
    }
  };
  return { clock, advance };
}

describe('Debounce', () => {
  it('runs once for a burst, after the delay, and again for a later burst', () => {
    const { clock, advance } = manualClock();
    const action = jest.fn();
    const debounce = Debounce.create({ delayMs: 2_000, action, clock });

    debounce.call();
    debounce.call();
    advance(1_999);
    debounce.call();
    expect(action).not.toHaveBeenCalled();
    advance(1);
    expect(action).toHaveBeenCalledTimes(1);

    debounce.call();
    advance(2_000);
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('drops a run that has not begun when cancelled', () => {
    const { clock, advance } = manualClock();
    const action = jest.fn();
    const debounce = Debounce.create({ delayMs: 2_000, action, clock });

    debounce.call();
    debounce.cancel();
    advance(5_000);
    expect(action).not.toHaveBeenCalled();
  });
});
