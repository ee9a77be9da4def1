import type { Logger } from "./log.ts";

/** The order of shutdown: lower stages stop first. */
export const Stage = {
  intake: 10,
  notifyClients: 20,
  workers: 30,
  queues: 40,
  background: 50,
  connections: 60,
  database: 70,
  daemonFile: 80,
  managedRedis: 90,
  lock: 100,
} as const;

interface Step {
  name: string;
  stage: number;
  run: () => unknown;
}

/**
 * The daemon's one shutdown path, used both after a signal and when start-up fails halfway:
 * each component registers how to stop as it starts; shutdown runs the steps in stage order,
 * each bounded by what is left of the overall budget, and never throws.
 */
export class Lifecycle {
  #steps: Step[] = [];
  #shutdown?: Promise<boolean>;

  /** Registers a step; steps of one stage run in reverse order of registration. */
  onShutdown(stage: number, name: string, run: () => unknown): void {
    this.#steps.push({ name, stage, run });
  }

  /**
   * Runs every step once. Resolves to true when all finished in time without error.
   */
  shutdown(log: Logger, budgetMs = 8_000): Promise<boolean> {
    this.#shutdown ??= this.#run(log, budgetMs);
    return this.#shutdown;
  }

  async #run(log: Logger, budgetMs: number): Promise<boolean> {
    const deadline = Date.now() + budgetMs;
    const steps = this.#steps.map((step, order) => ({ ...step, order }))
      .sort((a, b) => a.stage - b.stage || b.order - a.order);
    let clean = true;
    for (const step of steps) {
      const left = Math.max(100, deadline - Date.now());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const started = performance.now();
      try {
        const finished = await Promise.race([
          Promise.resolve().then(step.run).then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left))),
        ]);
        if (!finished) {
          clean = false;
          log.warn("shutdown step timed out; moving on", { step: step.name, afterMs: left });
        } else {
          log.debug("shutdown step done", { step: step.name, ms: Math.round(performance.now() - started) });
        }
      } catch (error) {
        clean = false;
        log.error("shutdown step failed; moving on", { step: step.name, error });
      } finally {
        clearTimeout(timer);
      }
    }
    return clean;
  }
}
