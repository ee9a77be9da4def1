/**
 * Plain-text formatting shared by the screens. Pure functions, so that what the TUI shows can
 * be reasoned about (and tested) without rendering.
 * @module
 */

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** A duration in whole seconds, as `45s`, `12m 05s`, `2h 03m` or `3d 04h`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m ${pad2(s % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad2(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${pad2(hours % 24)}h`;
}

/** A latency in ms: one decimal below 10 ms, whole numbers above. */
export function formatLatency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** The local wall-clock time of an ISO 8601 instant, as `HH:MM:SS`. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "--:--:--";
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** The tRPC error code of a failed call (such as `UNAUTHORIZED`), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { data?: { code?: unknown } } | null)?.data?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * What went wrong in a call, for a person: the tRPC error code when there is one, then the
 * message, which the daemon words as what to do.
 */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
