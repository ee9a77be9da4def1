import { type Kysely, sql } from "kysely";
import type { Redis } from "ioredis";
import { join } from "@std/path";
import type { DB } from "../db/mod.ts";
import {
  type FfmpegLocation,
  ffmpegVersion,
  formatBytes,
  freeBytes,
  probeCapabilities,
} from "../render/mod.ts";
import type { CheckResult, HealthCheck } from "./health_monitor.ts";

/** Below this much free space, storage is degraded. */
export const LOW_DISK_BYTES = 2 * 1024 ** 3;

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** `SELECT 1` (with the server version) against PostgreSQL or PGlite. */
export function databaseCheck(db: Kysely<DB>, description: string): HealthCheck {
  return async (signal) => {
    const { rows } = await abortable(
      sql<{ v: string }>`select current_setting('server_version') as v`.execute(db),
      signal,
    );
    return { status: "ok", detail: `PostgreSQL ${rows[0]?.v ?? "?"} (${description})` };
  };
}

/** `PING` on a client that fails fast instead of queueing while Redis is away. */
export function redisCheck(client: Redis, description: string): HealthCheck {
  return async (signal) => {
    try {
      const reply = await abortable(client.ping(), signal);
      if (reply !== "PONG") return { status: "down", detail: `${description} answered ${reply}` };
      return { status: "ok", detail: description };
    } catch (error) {
      return {
        status: "down",
        detail: `${description} does not answer (${
          (error as Error).message
        }): the queue and live events wait until it is back.`,
      };
    }
  };
}

/**
 * ffmpeg resolved, answering `-version`, and having every encoder and filter renders use; a
 * missing one makes it degraded with the reason. Probed once per binary.
 */
export function ffmpegCheck(locate: () => Promise<FfmpegLocation>): HealthCheck {
  let cached: { path: string; version: string; missing: string[] } | undefined;
  return async (signal) => {
    const location = await locate();
    if (cached?.path !== location.ffmpeg) {
      const [version, capabilities] = await Promise.all([
        ffmpegVersion(location.ffmpeg, signal),
        probeCapabilities(location.ffmpeg, signal),
      ]);
      cached = { path: location.ffmpeg, version, missing: capabilities.missing };
    }
    const where = `${cached.version} (${location.source}: ${location.ffmpeg})`;
    if (cached.missing.length) {
      return {
        status: "degraded",
        detail: `${where} lacks ${
          cached.missing.join(", ")
        }: rendering needs them; install Debian's ffmpeg or set FFMPEG_PATH to a full build.`,
      };
    }
    return { status: "ok", detail: where };
  };
}

/** Free bytes available to this user on the file system holding `path`. */
export { freeBytes };

/** The data and output directories are writable, and how much room is left in each. */
export function storageCheck(dirs: { data: string; output: string }): HealthCheck {
  return async () => {
    const parts: string[] = [];
    let status: CheckResult["status"] = "ok";
    for (const [name, dir] of Object.entries(dirs)) {
      const probe = join(dir, `.health-${Deno.pid}`);
      try {
        await Deno.writeTextFile(probe, "ok");
        await Deno.remove(probe);
      } catch (error) {
        return {
          status: "down",
          detail: `${name} directory ${dir} is not writable: ${(error as Error).message}`,
        };
      }
      const free = await freeBytes(dir);
      if (free < LOW_DISK_BYTES) status = "degraded";
      parts.push(`${name} ${formatBytes(free)} free${free < LOW_DISK_BYTES ? " (low)" : ""}`);
    }
    return { status, detail: parts.join(", ") };
  };
}

/**
 * The Gemini key is configured (no request is made: it would spend quota), and the LLM pool is
 * not paused for the day or failing fast.
 */
export function llmCheck(
  gemini: { apiKey?: string; model: string },
  poolState: () => { kind: string; until?: number; reason?: string } = () => ({ kind: "running" }),
): HealthCheck {
  return () => {
    if (!gemini.apiKey) {
      return Promise.resolve({
        status: "degraded",
        detail:
          "GEMINI_API_KEY is not set: analysis can only use cached replies. Set it in the environment or .env.",
      });
    }
    const state = poolState();
    if (state.kind === "paused" || state.kind === "open") {
      const until = state.until ? ` until ${new Date(state.until).toISOString()}` : "";
      return Promise.resolve({
        status: "degraded",
        detail: `${gemini.model}: calls ${
          state.kind === "paused" ? "paused (daily quota spent)" : "failing fast"
        }${until}${state.reason ? `: ${state.reason}` : ""}`,
      });
    }
    return Promise.resolve({ status: "ok", detail: `${gemini.model}, API key set` });
  };
}

/** The YouTube OAuth client secret is configured and looks like a Google client JSON. */
export function youtubeCheck(
  clientSecretFile: string | undefined,
  authorisation?: () => Promise<
    { connected: boolean; channel: { title: string } | null; warnings: string[] }
  >,
): HealthCheck {
  return async () => {
    if (!clientSecretFile) {
      return {
        status: "degraded",
        detail:
          "YOUTUBE_CLIENT_SECRET_FILE is not set: uploads are off. Create an OAuth client (Desktop app) in Google Cloud and point it at the JSON.",
      };
    }
    let parsed: { installed?: { client_id?: string }; web?: { client_id?: string } };
    try {
      parsed = JSON.parse(await Deno.readTextFile(clientSecretFile));
    } catch (error) {
      return { status: "down", detail: `Cannot read ${clientSecretFile}: ${(error as Error).message}` };
    }
    const client = parsed.installed ?? parsed.web;
    if (!client?.client_id) {
      return {
        status: "down",
        detail:
          `${clientSecretFile} has no installed.client_id: download the client JSON of a Desktop app OAuth client.`,
      };
    }
    const auth = await authorisation?.();
    if (auth && !auth.connected) {
      return {
        status: "degraded",
        detail: auth.warnings.join(" ") || "Not authorised: run youtube.authStart (the Schedule screen).",
      };
    }
    if (auth?.warnings.length) return { status: "degraded", detail: auth.warnings.join(" ") };
    return {
      status: "ok",
      detail: auth?.channel
        ? `channel ${auth.channel.title}, OAuth client ${client.client_id.slice(0, 12)}…`
        : `OAuth client ${client.client_id.slice(0, 12)}… configured`,
    };
  };
}
