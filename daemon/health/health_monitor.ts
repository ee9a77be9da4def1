import {
  COMPONENT_NAMES,
  type ComponentHealth,
  type ComponentName,
  type HealthReport,
  type HealthStatus,
} from "../../shared/schemas.ts";
import type { Logger } from "../log.ts";

/** What a check found. Throwing means `down` with the error's message as the detail. */
export interface CheckResult {
  status: HealthStatus;
  detail: string;
}

/** One component's check; it should honour `signal` (aborted at the timeout). */
export type HealthCheck = (signal: AbortSignal) => Promise<CheckResult>;

/** Components without which the daemon cannot serve at all: their being down means `down`. */
const ESSENTIAL: readonly ComponentName[] = ["db", "storage"];

/**
 * The overall status: `down` when an essential component (database, storage) is down,
 * `degraded` when anything else is not ok, else `ok`.
 */
export function overallStatus(components: Record<ComponentName, ComponentHealth>): HealthStatus {
  if (ESSENTIAL.some((name) => components[name].status === "down")) return "down";
  return COMPONENT_NAMES.every((name) => components[name].status === "ok") ? "ok" : "degraded";
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<ComponentHealth> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: "down", detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([
      check(controller.signal).catch((error): CheckResult => ({
        status: "down",
        detail: error instanceof Error ? error.message : String(error),
      })),
      timeout,
    ]);
    return { ...result, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the component checks concurrently, each bounded by a timeout, and reports a change of
 * any status through `onChange` (the daemon publishes it as a `health` event).
 */
export class HealthMonitor implements AsyncDisposable {
  #latest?: HealthReport;
  #inFlight?: Promise<HealthReport>;
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly options: {
      checks: Record<ComponentName, HealthCheck>;
      version: string;
      startedAt: number;
      log: Logger;
      timeoutMs?: number;
      onChange?: (report: HealthReport, previous: HealthReport | undefined) => void;
    },
  ) {}

  /** The last report, if any check ran yet. */
  get latest(): HealthReport | undefined {
    return this.#latest;
  }

  /** Runs every check now (callers at the same moment share one run). */
  check(): Promise<HealthReport> {
    this.#inFlight ??= this.#run().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** A report no older than `maxAgeMs`, running the checks only when needed. */
  async recent(maxAgeMs: number): Promise<HealthReport> {
    const latest = this.#latest;
    if (latest && Date.now() - Date.parse(latest.checkedAt) <= maxAgeMs) return latest;
    return await this.check();
  }

  /** Checks every `intervalMs` in the background. */
  start(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.check().catch((error) => this.options.log.error("health check failed", { error }));
    }, intervalMs);
  }

  /** Stops the background checks. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    await this.#inFlight?.catch(() => {});
  }

  async #run(): Promise<HealthReport> {
    const timeoutMs = this.options.timeoutMs ?? 2_000;
    const results = await Promise.all(
      COMPONENT_NAMES.map((name) => runCheck(this.options.checks[name], timeoutMs)),
    );
    const components = Object.fromEntries(
      COMPONENT_NAMES.map((name, i) => [name, results[i]]),
    ) as Record<ComponentName, ComponentHealth>;
    const report: HealthReport = {
      status: overallStatus(components),
      version: this.options.version,
      uptimeS: Math.round((Date.now() - this.options.startedAt) / 100) / 10,
      checkedAt: new Date().toISOString(),
      components,
    };
    const previous = this.#latest;
    this.#latest = report;
    const changed = !previous || previous.status !== report.status ||
      COMPONENT_NAMES.some((name) => previous.components[name].status !== components[name].status);
    if (changed) {
      for (const name of COMPONENT_NAMES) {
        const now = components[name];
        if (previous && previous.components[name].status === now.status) continue;
        const fields = { component: `health.${name}`, status: now.status, detail: now.detail };
        if (now.status === "ok") this.options.log.info(`${name} is ok`, fields);
        else this.options.log.warn(`${name} is ${now.status}: ${now.detail}`, fields);
      }
      this.options.onChange?.(report, previous);
    }
    return report;
  }
}
