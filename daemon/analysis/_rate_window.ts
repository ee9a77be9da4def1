/**
 * An exact per-window budget (requests or tokens per minute), kept as a log of what started when.
 *
 * A classic token bucket of capacity N refilled at N a minute lets almost 2N through in one
 * 60 s window (a full bucket at the start, the refill during it). Google counts RPM and TPM per
 * window, so the pool uses this sliding log instead: a start is admitted only when the starts of
 * the last `windowMs` plus it stay within the limit, which holds for every window, wherever it
 * begins.
 */

/** One admitted start; its weight can be corrected once the real figure is known. */
export interface WindowEntry {
  readonly at: number;
  weight: number;
}

/** At most `limit` weight in any `windowMs` span of start times. */
export class SlidingWindowLimit {
  readonly #entries: WindowEntry[] = [];
  #head = 0;
  #sum = 0;

  constructor(readonly limit: number, readonly windowMs = 60_000) {
    if (!(limit > 0)) throw new RangeError(`A window limit must be positive, got ${limit}`);
  }

  /** The weight started within the window that ends at `now`. */
  used(now: number): number {
    this.#prune(now);
    return this.#sum;
  }

  /**
   * How long from `now` until `weight` more fits: 0 when it fits now, `Infinity` when it is
   * larger than the whole limit and never will.
   */
  waitMs(now: number, weight = 1): number {
    if (weight > this.limit) return Infinity;
    this.#prune(now);
    let sum = this.#sum;
    if (sum + weight <= this.limit) return 0;
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i];
      sum -= entry.weight;
      if (sum + weight <= this.limit) return entry.at + this.windowMs - now;
    }
    return Infinity; // unreachable: with every entry gone the weight fits
  }

  /** Records a start at `now` (times must not go backwards). */
  record(now: number, weight = 1): WindowEntry {
    this.#prune(now);
    const entry: WindowEntry = { at: now, weight };
    this.#entries.push(entry);
    this.#sum += weight;
    return entry;
  }

  /** Replaces an entry's weight, e.g. an estimate with the count Google reported. */
  adjust(entry: WindowEntry, weight: number): void {
    const at = this.#entries.indexOf(entry, this.#head);
    if (at < 0) return; // already out of the window: it no longer counts
    this.#sum += weight - entry.weight;
    entry.weight = weight;
  }

  #prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.#head < this.#entries.length && this.#entries[this.#head].at <= cutoff) {
      this.#sum -= this.#entries[this.#head].weight;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
