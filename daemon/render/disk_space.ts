/**
 * Room for renders: an estimate of a video's size from its plan, the free space of the output
 * directory, and the error a full disk becomes (naming the directory and the fix).
 */
import { statfs } from "node:fs/promises";
import type { RenderPlan } from "./plan.ts";

/**
 * Bits per pixel and frame of an H.264 encode at the default CRF, on the generous side (grainy
 * film and the fastest presets come near it), so that the estimate rarely falls short.
 */
const BITS_PER_PIXEL = 0.1;
/** AAC at 48 kHz stereo, with the container's overhead. */
const AUDIO_BITS_PER_S = 256_000;

/** The likely upper size in bytes of the video a plan becomes. */
export function estimateOutputBytes(
  plan: Pick<RenderPlan, "width" | "height" | "fps" | "durationMs">,
): number {
  const videoBitsPerS = plan.width * plan.height * plan.fps * BITS_PER_PIXEL;
  return Math.ceil(((videoBitsPerS + AUDIO_BITS_PER_S) / 8) * (plan.durationMs / 1000));
}

/** Free bytes available to this user on the file system holding `path`. */
export async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** "12.3 MiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Whether an error (of Deno or in ffmpeg's last words) is a full disk. */
export function isNoSpace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ((error as { code?: unknown }).code === "ENOSPC") return true;
  return /No space left on device|os error 28|ENOSPC/.test(error.message);
}

/**
 * Not enough room for a render: found before it starts (the estimate does not fit) or while it
 * writes (the disk filled up). Nothing of it is left behind; the job fails at once rather than
 * retrying seconds later into the same full disk.
 */
export class InsufficientSpaceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InsufficientSpaceError";
  }
}

/** What to do about a full directory (`LINGOREEL_OUTPUT_DIR`, or the data dir's temp). */
export function spaceAdvice(variable: "LINGOREEL_OUTPUT_DIR" | "LINGOREEL_DATA_DIR"): string {
  return `free some space there (or set ${variable} to a larger disk), then run the job again with ` +
    "jobs.retry or batches.retryFailed";
}
