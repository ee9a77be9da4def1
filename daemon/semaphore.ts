/** A counting semaphore whose waiters are served first come, first served, and can give up. */

interface Waiter {
  grant: () => void;
}

/** Hands out at most `permits` leases at a time, in the order they were asked for. */
export class Semaphore {
  #free: number;
  readonly #waiters: Waiter[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new RangeError(`A semaphore needs at least one permit, got ${permits}`);
    }
    this.#free = permits;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with a release function once a permit is free. Rejects with the signal's reason
   * if it aborts first (the caller then holds nothing). Calling the release twice is harmless.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#lease());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.#lease());
        },
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #lease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // the permit passes straight to the next waiter, so nobody can jump the queue
      if (next) next.grant();
      else this.#free++;
    };
  }
}
