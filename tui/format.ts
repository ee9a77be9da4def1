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

/** A count with thousands separators, as `1,204`. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1 episode`, `3 episodes`: a count and a noun, plural unless the count is one. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : nouns}`;
}

/** A size in bytes as `512 B`, `1.4 MB`, `2.1 GB` (powers of 1,000, as file managers show them). */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * `text` broken into lines of at most `width` characters, at spaces where possible (a long
 * path is cut wherever it must). For messages that should be read whole rather than cut.
 */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      let rest = word;
      while ([...rest].length > max) {
        if (line) lines.push(line);
        line = "";
        lines.push([...rest].slice(0, max).join(""));
        rest = [...rest].slice(max).join("");
      }
      const candidate = line ? `${line} ${rest}` : rest;
      if ([...candidate].length <= max) {
        line = candidate;
      } else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A time in an episode as `1:02.5` (minutes, seconds and tenths), as cues are shown. */
export function formatCueTime(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const seconds = Math.floor(tenths / 10);
  return `${Math.floor(seconds / 60)}:${pad2(seconds % 60)}.${tenths % 10}`;
}

/** An amount in US dollars as `$0.0123`: LLM costs are fractions of a cent. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/**
 * `text` cut to `width` characters from the left, with `…` in front: the end of a path (the
 * file name) stays visible.
 */
export function truncateStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return `…${chars.slice(chars.length - width + 1).join("")}`;
}

/** The local date and time of an ISO 8601 instant, as `2026-11-21 10:04`. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${
    pad2(date.getHours())
  }:${pad2(date.getMinutes())}`;
}

/** A percentage rounded to a whole number, as `45%`. */
export function formatPercent(percent: number): string {
  return `${Math.round(Math.max(0, Math.min(100, percent)))}%`;
}

/**
 * A progress bar `width` cells wide, as `█████░░░░░`: full cells for what is done, light ones for
 * the rest, so that it reads without colours too.
 */
export function progressBar(percent: number, width: number): string {
  const cells = Math.max(0, width);
  const done = Math.round((Math.max(0, Math.min(100, percent)) / 100) * cells);
  return "█".repeat(done) + "░".repeat(cells - done);
}
