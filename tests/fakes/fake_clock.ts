/**
 * A `Clock` whose time only moves when the test says so, so that minutes of rate limits and a
 * whole quota day run in milliseconds and always in the same order.
 *
 * - Manual: `await clock.advance(ms)` fires every sleeper due within `ms`, earliest first, and
 *   lets each one's continuation run before the next fires.
 * - Auto (`{ auto: true }`): whenever every piece of work is asleep (no promise continuation is
 *   left to run), time jumps to the earliest sleeper. Meant for code whose only waiting is on
 *   this clock (in-memory fakes); real I/O in flight is not waited for.
 */
import type { Clock } from "../../daemon/clock.ts";

interface Sleeper {
  due: number;
  seq: number;
  wake: () => void;
}

/** Lets every pending promise continuation run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A clock for tests; see the module comment. Dispose it to stop auto mode. */
export class FakeClock implements Clock, Disposable {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  #auto: boolean;
  #tick?: ReturnType<typeof setTimeout>;

  constructor(start: number | string | Date = 0, options: { auto?: boolean } = {}) {
    this.#now = typeof start === "number" ? start : new Date(start).getTime();
    this.#auto = options.auto ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        due: this.#now + ms,
        seq: this.#seq++,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#schedule();
    });
  }

  /** How many sleeps are waiting. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** When the earliest sleeper is due, if any. */
  get nextDue(): number | undefined {
    return this.#earliest()?.due;
  }

  /** Turns auto mode on or off. */
  set auto(on: boolean) {
    this.#auto = on;
    if (on) this.#schedule();
    else this.#cancelTick();
  }

  /** Moves time forward by `ms`, waking sleepers in order of their due time. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `epochMs` (never backwards). */
  async advanceTo(epochMs: number): Promise<void> {
    const target = Math.max(this.#now, epochMs);
    for (;;) {
      await settle();
      const next = this.#earliest();
      if (!next || next.due > target) break;
      this.#fire(next);
    }
    this.#now = target;
    await settle();
  }

  /** Wakes sleepers, jumping time as needed, until none is left (at most `maxSteps`). */
  async runUntilIdle(maxSteps = 100_000): Promise<void> {
    for (let step = 0; step < maxSteps; step++) {
      await settle();
      const next = this.#earliest();
      if (!next) return;
      this.#fire(next);
    }
    throw new Error(`FakeClock.runUntilIdle: still busy after ${maxSteps} steps`);
  }

  [Symbol.dispose](): void {
    this.#auto = false;
    this.#cancelTick();
  }

  #earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.#sleepers) {
      if (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq)) best = s;
    }
    return best;
  }

  #fire(sleeper: Sleeper): void {
    this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
    this.#now = Math.max(this.#now, sleeper.due);
    sleeper.wake();
  }

  #schedule(): void {
    if (!this.#auto || this.#tick !== undefined) return;
    // A zero-delay macrotask runs only once every promise continuation has run: if sleepers
    // remain then, everybody is asleep and time may jump to the earliest one.
    this.#tick = setTimeout(() => {
      this.#tick = undefined;
      const next = this.#earliest();
      if (!next || !this.#auto) return;
      this.#fire(next);
      if (this.#sleepers.length > 0) this.#schedule();
    }, 0);
  }

  #cancelTick(): void {
    clearTimeout(this.#tick);
    this.#tick = undefined;
  }
}
