/**
 * Rate limiting of failed token attempts, per remote address: whoever guesses tokens gets a
 * handful of tries a minute, then a timeout, while clients on other addresses carry on.
 */
import { type Clock, systemClock } from "../clock.ts";
import type { Logger } from "../log.ts";

/** How many failures within which window block an address, and for how long. */
export interface AuthLimits {
  /** Failed attempts within `windowMs` that block the address (default 10). */
  maxFailures: number;
  /** The window the failures are counted in (default one minute). */
  windowMs: number;
  /** How long a blocked address is refused (default one minute). */
  blockMs: number;
}

/** The defaults: ten failed attempts a minute, then a minute's pause. */
export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = Object.freeze({
  maxFailures: 10,
  windowMs: 60_000,
  blockMs: 60_000,
});

interface AddressState {
  /** Epoch ms of the failures still inside the window, oldest first. */
  failures: number[];
  /** Set while the address is blocked. */
  blockedUntil?: number;
}

/**
 * The peer address a limit applies to: an IPv4 address mapped into IPv6 (`::ffff:127.0.0.1`, as
 * a dual-stack listener reports it) counts as the IPv4 address, so one peer has one budget.
 */
export function limitKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return mapped ? mapped[1] : remoteAddress.toLowerCase();
}

/**
 * Counts failed token attempts per address. After `maxFailures` within `windowMs` the address
 * is blocked for `blockMs`: its new connections are refused before their token is even looked
 * at (so guessing cannot go on), while connections that had already presented a valid token keep
 * working. A valid token clears the address's count.
 */
export class AuthLimiter {
  readonly limits: Readonly<AuthLimits>;
  readonly #clock: Clock;
  readonly #log?: Logger;
  readonly #addresses = new Map<string, AddressState>();
  /** Bound on remembered addresses, so a flood of sources cannot grow the map without end. */
  readonly #maxAddresses: number;

  constructor(
    options: { limits?: Partial<AuthLimits>; clock?: Clock; log?: Logger; maxAddresses?: number } = {},
  ) {
    this.limits = Object.freeze({ ...DEFAULT_AUTH_LIMITS, ...options.limits });
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Epoch ms until which `address` is refused, or undefined when it may try. */
  blockedUntil(address: string): number | undefined {
    const state = this.#addresses.get(address);
    if (state?.blockedUntil === undefined) return undefined;
    if (state.blockedUntil > this.#clock.now()) return state.blockedUntil;
    this.#addresses.delete(address); // the block is over: a clean slate
    return undefined;
  }

  /** When a blocked `address` may try again, and how long that is from now; undefined if it may now. */
  block(address: string): { until: number; retryInMs: number } | undefined {
    const until = this.blockedUntil(address);
    return until === undefined ? undefined : { until, retryInMs: until - this.#clock.now() };
  }

  /** Records a failed attempt; returns the end of the block when this one starts it. */
  fail(address: string): number | undefined {
    const now = this.#clock.now();
    if (this.blockedUntil(address) !== undefined) return undefined;
    const state = this.#addresses.get(address) ?? { failures: [] };
    state.failures = state.failures.filter((at) => at > now - this.limits.windowMs);
    state.failures.push(now);
    this.#addresses.delete(address); // re-inserted last: the map stays in order of activity
    this.#addresses.set(address, state);
    this.#evict(now);
    if (state.failures.length < this.limits.maxFailures) return undefined;
    state.blockedUntil = now + this.limits.blockMs;
    state.failures = [];
    this.#log?.warn(
      `blocking ${address} for ${
        Math.round(this.limits.blockMs / 1000)
      } s after ${this.limits.maxFailures} ` +
        `failed API token attempts within ${Math.round(this.limits.windowMs / 1000)} s: someone there is ` +
        `using a wrong token (a stale script or .env?) or guessing; its connections get TOO_MANY_REQUESTS until then`,
      { remote: address, until: new Date(state.blockedUntil).toISOString() },
    );
    return state.blockedUntil;
  }

  /** Records a valid token: earlier failures of the address no longer count. */
  succeed(address: string): void {
    const state = this.#addresses.get(address);
    if (state && state.blockedUntil === undefined) this.#addresses.delete(address);
  }

  /** Addresses currently remembered (for tests and metrics). */
  get size(): number {
    return this.#addresses.size;
  }

  #evict(now: number): void {
    if (this.#addresses.size <= this.#maxAddresses) return;
    for (const [address, state] of this.#addresses) {
      if (this.#addresses.size <= this.#maxAddresses) break;
      const active = (state.blockedUntil ?? 0) > now ||
        state.failures.some((at) => at > now - this.limits.windowMs);
      // the oldest entries go first; a block in force is dropped only when nothing else is left
      if (!active) this.#addresses.delete(address);
    }
    while (this.#addresses.size > this.#maxAddresses) {
      this.#addresses.delete(this.#addresses.keys().next().value!);
    }
  }
}

/** "in 42 s (at 12:01:05 UTC)": when a blocked client may try again, for error messages. */
export function describeRetry(block: { until: number; retryInMs: number }): string {
  const seconds = Math.max(1, Math.ceil(block.retryInMs / 1000));
  return `in ${seconds} s (at ${new Date(block.until).toISOString().slice(11, 19)} UTC)`;
}
