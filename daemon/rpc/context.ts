import { createHash, timingSafeEqual } from "node:crypto";
import type { CreateWSSContextFnOptions } from "@trpc/server/adapters/ws";
import type { Config } from "../config.ts";
import type { Database } from "../db/mod.ts";
import type { EventBus } from "../events/mod.ts";
import type { HealthMonitor } from "../health/mod.ts";
import type { Analyzer } from "../analysis/mod.ts";
import type { LibraryScanner } from "../library/mod.ts";
import type { Renderer } from "../render/mod.ts";
import type { ExportJobs, Pipeline } from "../queue/mod.ts";
import type { Scheduler } from "../schedule/mod.ts";
import type { YouTubeAuth } from "../youtube/mod.ts";
import type { SettingsStore } from "../settings/mod.ts";
import type { Logger } from "../log.ts";

/** Everything procedures need, built once by the composition root. */
export interface Services {
  config: Config;
  log: Logger;
  database: Database;
  events: EventBus;
  health: HealthMonitor;
  library: {
    scanner: LibraryScanner;
    /** Where extracted subtitles and other derived files are kept. */
    cacheDir: string;
    /** The ffmpeg binary (resolved per contract.md when asked). */
    ffmpeg: () => Promise<string>;
  };
  analysis: Analyzer;
  renderer: Renderer;
  pipeline: Pipeline;
  exports: ExportJobs;
  scheduler: Scheduler;
  youtube: { auth: YouTubeAuth };
  settings: SettingsStore;
  version: string;
  /** `host:pid`, the `source` of events this daemon publishes. */
  instanceId: string;
}

/** Per-connection context. */
export interface Context {
  services: Services;
  /** Whether the connection presented the right token. */
  authenticated: boolean;
  /** The peer address, for logs. */
  remote: string;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares tokens in constant time (over their digests, so length does not leak either). */
export function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== "string" || given.length === 0) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Builds the WebSocket context factory. A connection with a missing or wrong token is accepted
 * but every procedure it calls fails with UNAUTHORIZED (so the client gets a clear error rather
 * than a reconnect loop); the attempt is logged without the token.
 */
export function createContextFactory(
  services: Services,
  token: string,
): (opts: CreateWSSContextFnOptions) => Context {
  return ({ req, info }: CreateWSSContextFnOptions): Context => {
    const remote = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
    const authenticated = tokenMatches(info.connectionParams?.token, token);
    if (!authenticated) {
      services.log.warn("WebSocket connection without a valid token", {
        remote,
        tokenGiven: typeof info.connectionParams?.token === "string",
      });
    }
    return { services, authenticated, remote };
  };
}
