/**
 * Runs many LLM calls through one client the way Google's limits want them: a bounded number
 * in flight, requests and tokens per minute kept under budget in every 60 s window, retries
 * with exponential backoff and full jitter (at least the `retryDelay` Google asks for), a pause
 * until Pacific midnight when a daily quota is spent, and a circuit breaker so an outage fails
 * fast instead of queueing every chunk behind timeouts. All waiting goes through `clock`.
 *
 * Order of a call: take a concurrency slot → pass the admission gate (one caller at a time, in
 * arrival order: pause, breaker, retry-after hold, RPM and TPM windows) → call the client →
 * on a retryable failure give the slot back, sleep the backoff, and queue again.
 */
import { type Clock, nextPacificMidnight, systemClock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { Semaphore } from "../semaphore.ts";
import { SlidingWindowLimit, type WindowEntry } from "./_rate_window.ts";
import { type LlmClient, LlmError, type LlmReply, type LlmRequest } from "./llm.ts";

/**
 * What the pool is doing: `running`; `paused` until a daily quota resets (`until` is the next
 * Pacific midnight); `open` (failing fast after repeated failures, until `until`); `half_open`
 * (the cool-down is over and one trial call decides).
 */
export interface LlmPoolState {
  kind: "running" | "paused" | "open" | "half_open";
  /** Epoch ms when a pause or an open breaker ends. */
  until?: number;
  reason?: string;
}

/** A reply with how hard it was to get. */
export type PoolReply = LlmReply & {
  /** Calls made to the client, the successful one included. */
  attempts: number;
  /** Time not spent inside client calls: queueing, rate limits, backoff, pauses. */
  waitedMs: number;
};

/** One item's outcome in `runAll`. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

/** Settings of an `LlmPool`; everything but `client` and `log` has a default. */
export interface LlmPoolOptions {
  client: LlmClient;
  log: Logger;
  /** Calls in flight at once (default 5). */
  concurrency?: number;
  /** Requests per minute; unlimited when omitted. Retries count. */
  rpm?: number;
  /** Prompt tokens per minute (`estimatedTokens`, corrected by the reported count); unlimited when omitted. */
  tpm?: number;
  /** Calls per request, the first included (default 5). Waiting out a daily quota does not use one up. */
  maxAttempts?: number;
  /** Backoff cap of the first retry; doubles per retry (default 1 s). */
  baseBackoffMs?: number;
  /** Largest backoff cap (default 60 s). */
  maxBackoffMs?: number;
  breaker?: {
    /** Consecutive failures that open the breaker (default 5). */
    failureThreshold?: number;
    /** How long it stays open before a trial call (default 30 s). */
    cooldownMs?: number;
  };
  clock?: Clock;
  /** In [0, 1); the backoff jitter (default Math.random). */
  random?: () => number;
  onState?: (state: LlmPoolState, previous: LlmPoolState) => void;
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

interface Admission {
  trial: boolean;
  tokens?: WindowEntry;
}

/** The rate-limited, retrying, circuit-breaking front of an `LlmClient`; see the module comment. */
export class LlmPool {
  readonly #client: LlmClient;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #slots: Semaphore;
  readonly #gate = new Semaphore(1);
  readonly #rpm?: SlidingWindowLimit;
  readonly #tpm?: SlidingWindowLimit;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #onState?: (state: LlmPoolState, previous: LlmPoolState) => void;

  #state: LlmPoolState = { kind: "running" };
  #failures = 0;
  #trialInFlight = false;
  /** No call starts before this (a 429's retryDelay applies to the whole project). */
  #holdUntil = 0;
  #inFlight = 0;

  constructor(options: LlmPoolOptions) {
    this.#client = options.client;
    this.#log = options.log;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#slots = new Semaphore(options.concurrency ?? 5);
    if (options.rpm !== undefined) this.#rpm = new SlidingWindowLimit(options.rpm);
    if (options.tpm !== undefined) this.#tpm = new SlidingWindowLimit(options.tpm);
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#baseBackoffMs = options.baseBackoffMs ?? 1_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.#failureThreshold = Math.max(1, options.breaker?.failureThreshold ?? 5);
    this.#cooldownMs = options.breaker?.cooldownMs ?? 30_000;
    this.#onState = options.onState;
  }

  /** The current state (a pause or an open breaker whose time is over is reported as such). */
  get state(): LlmPoolState {
    return { ...this.#refreshState(this.#clock.now()) };
  }

  /** Calls in flight right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Sends one request, waiting for a slot and the rate budget, retrying what may succeed later.
   * `estimatedTokens` is the prompt's expected token count, charged to the TPM budget.
   * Rejects with an `LlmError` (the last failure, or a fast `server` error while the breaker is
   * open), or with the signal's reason when `request.signal` aborts.
   */
  async run(request: LlmRequest, options: { estimatedTokens: number }): Promise<PoolReply> {
    const { signal } = request;
    const started = this.#clock.now();
    const tokens = Math.max(0, options.estimatedTokens);
    if (this.#tpm && tokens > this.#tpm.limit) {
      throw new LlmError(
        "bad_request",
        `A request of about ${tokens} tokens can never fit the budget of ${this.#tpm.limit} tokens per minute: send smaller chunks`,
      );
    }
    let attempts = 0;
    let budgetUsed = 0;
    let busyMs = 0;
    for (;;) {
      signal?.throwIfAborted();
      const release = await this.#slots.acquire(signal);
      let failure: LlmError;
      let callStarted: number;
      try {
        const admission = await this.#admit(tokens, signal);
        attempts++;
        callStarted = this.#clock.now();
        this.#inFlight++;
        try {
          const reply = await this.#client.generate(request);
          busyMs += this.#clock.now() - callStarted;
          if (admission.tokens) this.#tpm!.adjust(admission.tokens, reply.usage.promptTokens || tokens);
          this.#recordAnswer(admission.trial);
          return { ...reply, attempts, waitedMs: Math.max(0, this.#clock.now() - started - busyMs) };
        } catch (error) {
          busyMs += this.#clock.now() - callStarted;
          if (signal?.aborted) {
            if (admission.trial) this.#trialInFlight = false;
            throw signal.reason;
          }
          failure = error instanceof LlmError
            ? error
            : new LlmError("network", `The LLM client failed unexpectedly: ${String(error)}`, {}, {
              cause: error,
            });
          const usage = failure.details.usage;
          if (admission.tokens && usage) this.#tpm!.adjust(admission.tokens, usage.promptTokens || tokens);
        } finally {
          this.#inFlight--;
        }
        if (failure.kind !== "daily_quota") budgetUsed++;
        this.#recordFailure(failure, admission.trial, budgetUsed >= this.#maxAttempts, callStarted);
      } finally {
        release();
      }
      if (failure.kind === "daily_quota") continue; // the gate now waits for the reset
      if (!failure.retryable) throw failure;
      if (budgetUsed >= this.#maxAttempts) {
        const message = `${failure.message} (gave up after ${attempts} attempts)`;
        throw new LlmError(failure.kind, message, failure.details, { cause: failure });
      }
      const delay = this.#backoff(failure, budgetUsed);
      this.#log.debug("LLM call failed, retrying", {
        component: "llm.pool",
        kind: failure.kind,
        attempt: attempts,
        retryInMs: Math.round(delay),
        error: failure.message,
      });
      await this.#clock.sleep(delay, signal);
    }
  }

  /**
   * Runs `fn` for every item (each typically calls `run`; the pool bounds the concurrency) and
   * returns one outcome per item, in input order whatever the completion order. A failing item
   * never stops the others.
   */
  async runAll<T, R>(
    items: readonly T[],
    fn: (item: T, index: number) => Promise<R>,
  ): Promise<Settled<R>[]> {
    return await Promise.all(items.map(async (item, index): Promise<Settled<R>> => {
      try {
        return { ok: true, value: await fn(item, index) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }));
  }

  /** Waits until a call may start, and books it in the windows. */
  async #admit(tokens: number, signal?: AbortSignal): Promise<Admission> {
    const release = await this.#gate.acquire(signal);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.#clock.now();
        const state = this.#refreshState(now);
        if (state.kind === "paused") {
          await this.#clock.sleep(state.until! - now, signal);
          continue;
        }
        if (state.kind === "open") {
          throw new LlmError(
            "server",
            `Gemini calls are failing (${state.reason}): circuit open until ${isoTime(state.until!)}`,
          );
        }
        if (state.kind === "half_open" && this.#trialInFlight) {
          throw new LlmError(
            "server",
            `Gemini calls are failing (${state.reason}): circuit half-open, a trial call is in flight`,
          );
        }
        const wait = Math.max(
          this.#holdUntil - now,
          this.#rpm?.waitMs(now, 1) ?? 0,
          this.#tpm?.waitMs(now, tokens) ?? 0,
        );
        if (wait > 0) {
          await this.#clock.sleep(wait, signal);
          continue;
        }
        this.#rpm?.record(now, 1);
        const admission: Admission = { trial: state.kind === "half_open" };
        if (this.#tpm) admission.tokens = this.#tpm.record(now, tokens);
        if (admission.trial) this.#trialInFlight = true;
        return admission;
      }
    } finally {
      release();
    }
  }

  #backoff(failure: LlmError, retryNumber: number): number {
    const cap = Math.min(this.#maxBackoffMs, this.#baseBackoffMs * 2 ** (retryNumber - 1));
    const jittered = this.#random() * cap; // full jitter
    const asked = failure.details.retryAfterMs;
    if (asked === undefined) return jittered;
    // Google's delay is a floor; the jitter on top keeps the retries of a burst apart.
    return asked + this.#random() * Math.min(cap, this.#baseBackoffMs);
  }

  /** The service answered (success, or an answer that is this request's own problem). */
  #recordAnswer(trial: boolean): void {
    this.#failures = 0;
    if (trial) this.#trialInFlight = false;
    if (this.#state.kind === "open" || this.#state.kind === "half_open") {
      this.#setState({ kind: "running" });
    }
  }

  #recordFailure(failure: LlmError, trial: boolean, exhausted: boolean, callStarted: number): void {
    if (failure.kind === "daily_quota") {
      if (trial) this.#trialInFlight = false;
      this.#pauseUntilMidnight(failure, callStarted);
      return;
    }
    const asked = failure.details.retryAfterMs;
    if (failure.kind === "rate_limited" && asked !== undefined) {
      // the limit is the project's: no call of this pool should start before Google's delay
      this.#holdUntil = Math.max(this.#holdUntil, this.#clock.now() + asked);
    }
    const counts = failure.kind === "server" || failure.kind === "network" ||
      (failure.kind === "rate_limited" && exhausted);
    if (!counts) {
      if (failure.kind === "rate_limited") {
        if (trial) this.#trialInFlight = false; // inconclusive: the next call is the trial
        return;
      }
      this.#recordAnswer(trial);
      return;
    }
    this.#failures++;
    if (trial) this.#trialInFlight = false;
    const now = this.#clock.now();
    if (trial || (this.#state.kind === "running" && this.#failures >= this.#failureThreshold)) {
      const state: LlmPoolState = {
        kind: "open",
        until: now + this.#cooldownMs,
        reason: `${this.#failures} consecutive failures, last: ${failure.message}`,
      };
      this.#setState(state);
    }
  }

  #pauseUntilMidnight(failure: LlmError, callStarted: number): void {
    // From the call's start: an answer for yesterday's quota that arrives after midnight must
    // not pause the pool for another whole day.
    const until = nextPacificMidnight(callStarted);
    if (until <= this.#clock.now()) return;
    if (this.#state.kind === "paused" && this.#state.until === until) return;
    this.#setState({ kind: "paused", until, reason: failure.message });
  }

  /** Applies the transitions that only need time to pass. */
  #refreshState(now: number): LlmPoolState {
    const state = this.#state;
    if (state.kind === "paused" && now >= state.until!) {
      this.#setState({ kind: "running" });
    } else if (state.kind === "open" && now >= state.until!) {
      this.#setState({ kind: "half_open", reason: state.reason });
    }
    return this.#state;
  }

  #setState(next: LlmPoolState): void {
    const previous = this.#state;
    this.#state = next;
    const fields = { component: "llm.pool", state: next.kind, until: next.until, reason: next.reason };
    if (next.kind === "paused") {
      this.#log.warn(
        `LLM calls paused until ${isoTime(next.until!)} (Pacific midnight): ${next.reason}`,
        fields,
      );
    } else if (next.kind === "open") {
      this.#log.warn(`LLM circuit open until ${isoTime(next.until!)}: ${next.reason}`, fields);
    } else if (next.kind === "half_open") {
      this.#log.info("LLM circuit half-open: the next call is a trial", fields);
    } else {
      this.#log.info(`LLM calls running again (was ${previous.kind})`, fields);
    }
    this.#onState?.({ ...next }, { ...previous });
  }
}
