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
import { AuthLimiter, limitKey } from "./auth_limiter.ts";

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

/**
 * What a connection may do: nothing (no valid token), queries and subscriptions (the read-only
 * token, for dashboards), or everything (the API token).
 */
export type Access = "none" | "read" | "full";

/** Per-connection context. */
export interface Context {
  services: Services;
  /** Whether the connection presented a valid token (the API token or the read-only one). */
  authenticated: boolean;
  /**
   * Which token it was. Absent means full access for an authenticated context: in-process
   * callers (tests, scripts built on `createCaller`) are trusted code.
   */
  access?: Access;
  /** The peer address, for logs. */
  remote: string;
  /**
   * For connections of a peer that failed the token too often: until when (epoch ms) its calls
   * are refused with TOO_MANY_REQUESTS; undefined once the block is over.
   */
  blocked?: () => { until: number; retryInMs: number } | undefined;
  /**
   * The client's WebSocket, so that a subscription can wait while the client is not reading
   * rather than queue without limit; absent for in-process callers.
   */
  socket?: ClientSocket;
}

/** What a subscription needs of its connection (the `ws` WebSocket has it). */
export interface ClientSocket {
  /** Bytes sent but not yet handed to the network: they pile up while the client does not read. */
  readonly bufferedAmount: number;
  close(code?: number, reason?: string): void;
}

/** The access a context grants; anything unauthenticated has none. */
export function accessOf(ctx: Pick<Context, "authenticated" | "access">): Access {
  if (!ctx.authenticated) return "none";
  return ctx.access === "read" ? "read" : ctx.access === "none" ? "none" : "full";
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
 * Which access a presented token grants. Both comparisons always run, so the time taken does
 * not tell a near miss of one token from the other.
 */
export function accessFor(given: unknown, tokens: { full: string; readOnly?: string }): Access {
  const full = tokenMatches(given, tokens.full);
  const read = tokens.readOnly !== undefined && tokenMatches(given, tokens.readOnly);
  return full ? "full" : read ? "read" : "none";
}

/** Options of {@link createContextFactory} besides the API token. */
export interface ContextOptions {
  /** The read-only token (`LINGOREEL_READONLY_TOKEN` or `<data dir>/readonly-token`), if any. */
  readOnlyToken?: string;
  /** Rate limit of failed token attempts; by default ten a minute per address. */
  limiter?: AuthLimiter;
}

/**
 * Builds the WebSocket context factory. A connection with a missing or wrong token is accepted
 * but every procedure it calls fails with UNAUTHORIZED (so the client gets a clear error rather
 * than a reconnect loop); the attempt is logged without the token and counted against the
 * peer's address. A blocked address's connections are not checked at all: their calls fail with
 * TOO_MANY_REQUESTS until the block ends.
 */
export function createContextFactory(
  services: Services,
  token: string,
  options: ContextOptions = {},
): (opts: CreateWSSContextFnOptions) => Context {
  const log = services.log.child({ component: "auth" });
  const limiter = options.limiter ?? new AuthLimiter({ log });
  const tokens = { full: token, readOnly: options.readOnlyToken };
  return ({ req, res, info }: CreateWSSContextFnOptions): Context => {
    const remote = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
    const address = limitKey(req.socket.remoteAddress);
    const blocked = () => limiter.block(address);
    if (blocked() !== undefined) {
      // debug only: a guessing peer must not be able to flood the log either
      log.debug("refused a connection from an address blocked for failed token attempts", { remote });
      return { services, authenticated: false, access: "none", remote, blocked };
    }
    const given = info.connectionParams?.token;
    const access = accessFor(given, tokens);
    if (access === "none") {
      log.warn("WebSocket connection without a valid token", {
        remote,
        tokenGiven: typeof given === "string",
      });
      limiter.fail(address);
    } else {
      limiter.succeed(address);
      if (access === "read") log.debug("read-only connection", { remote });
    }
    return { services, authenticated: access !== "none", access, remote, blocked, socket: res };
  };
}
