/**
 * Time, behind an interface so that tests can run hours of rate limits and quota days in
 * milliseconds.
 */

/** The current time and waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` (rejects with the signal's reason if it aborts first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

const PACIFIC = "America/Los_Angeles";

function pacificParts(epochMs: number): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: PACIFIC,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

/** The Pacific calendar day (`YYYY-MM-DD`) of an instant: Google's quotas reset at its midnight. */
export function pacificDay(epochMs: number): string {
  const { year, month, day } = pacificParts(epochMs);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The first instant of the next Pacific day after `epochMs` (DST-correct). */
export function nextPacificMidnight(epochMs: number): number {
  const today = pacificDay(epochMs);
  // Pacific midnight is 07:00 or 08:00 UTC; step by hours from a safe lower bound to find it.
  const { year, month, day } = pacificParts(epochMs);
  let candidate = Date.UTC(year, month - 1, day + 1, 6);
  while (pacificDay(candidate) === today) candidate += 3_600_000;
  // candidate is within the first hour of the next day: back off to its exact start
  const offsetMinutes = new Date(candidate).getUTCMinutes();
  return candidate - offsetMinutes * 60_000;
}

/** The first instant of the Pacific day that contains `epochMs`. */
export function pacificDayStart(epochMs: number): number {
  let start = nextPacificMidnight(epochMs - 26 * 3_600_000);
  while (nextPacificMidnight(start) <= epochMs) start = nextPacificMidnight(start);
  return start;
}
