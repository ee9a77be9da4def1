import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-types="npm:@types/ws@8.18.2"
import { WebSocketServer } from "ws";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import type { HealthReport } from "../../shared/schemas.ts";
import type { Logger } from "../log.ts";
import type { Context } from "./context.ts";
import type { CreateWSSContextFnOptions } from "@trpc/server/adapters/ws";
import { appRouter } from "./router.ts";

/** The daemon's single HTTP listener: the tRPC WebSocket API, `/healthz` and `/metrics`. */
export interface ApiServer extends AsyncDisposable {
  /** `ws://host:port` for clients on this machine. */
  readonly url: string;
  readonly port: number;
  /** Open WebSocket connections. */
  clientCount(): number;
  /** Stops accepting new connections (existing ones keep working). */
  stopAccepting(): void;
  /** Tells connected clients to reconnect (they will find the next daemon). */
  notifyReconnect(): void;
  /** Closes every connection and the listener. */
  close(): Promise<void>;
}

/**
 * Whether a bind address is reachable from this machine only: `localhost`, 127.0.0.0/8 and ::1
 * (also written `[::1]`, in full, or IPv4-mapped).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  let h = bare;
  try {
    // the URL parser writes IPv4 and IPv6 addresses one canonical way (127.1, 0:0:…:1, ::ffff:…)
    h = new URL(`http://${bare.includes(":") ? `[${bare}]` : bare}/`).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch { /* not an address: compared as given */ }
  return h === "localhost" || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::1" ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
}

/**
 * The warning for a bind address other machines can reach (what, why it is risky, how to fix),
 * or undefined for a loopback one. `api` is false for worker daemons, which serve only
 * `/healthz` and `/metrics`.
 */
export function bindWarning(host: string, port: number, api: boolean): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const everywhere = ["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"].includes(host.trim());
  const where = everywhere
    ? `on every network interface (LINGOREEL_HOST=${host})`
    : `on ${host} (LINGOREEL_HOST), which other machines may reach`;
  const risk = api
    ? "anyone who can reach the port can try API tokens (failed attempts are only rate-limited), " +
      "the token and every call cross the network unencrypted (ws://, no TLS), and /healthz and " +
      "/metrics answer without a token"
    : "/healthz and /metrics answer anyone who can reach the port, without a token";
  return `SECURITY WARNING: the daemon listens ${where}, port ${port}, not only on this machine: ${risk}. ` +
    "Unless that is intended (inside a container whose port is published on the host's 127.0.0.1 only, " +
    "or behind a firewall or a TLS proxy), set LINGOREEL_HOST=127.0.0.1 and reach the daemon from " +
    `other machines through an SSH tunnel: ssh -L ${port}:127.0.0.1:${port} <this host>.`;
}

/** The largest WebSocket message the daemon reads; a bigger one closes the connection (code 1009). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The address clients on this machine use for a bind address. */
function clientHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Starts the listener. `api` is false for worker-only daemons: they serve health and metrics
 * but no WebSocket API.
 */
export async function startServer(options: {
  host: string;
  port: number;
  api: boolean;
  createContext: (opts: CreateWSSContextFnOptions) => Context;
  health: () => Promise<HealthReport>;
  metrics: () => Promise<string>;
  log: Logger;
}): Promise<ApiServer> {
  const log = options.log.child({ component: "server" });
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (req.method === "GET" && path === "/healthz") {
        const report = await options.health();
        send(res, report.status === "down" ? 503 : 200, "application/json", JSON.stringify(report));
      } else if (req.method === "GET" && path === "/metrics") {
        send(res, 200, "text/plain; version=0.0.4; charset=utf-8", await options.metrics());
      } else {
        send(
          res,
          404,
          "text/plain; charset=utf-8",
          "Not found. lingoreel serves GET /healthz, GET /metrics and its tRPC API over WebSocket on this port.\n",
        );
      }
    } catch (error) {
      log.error("HTTP request failed", { path, error });
      if (!res.headersSent) {
        send(res, 500, "text/plain; charset=utf-8", "Internal error; see the daemon log.\n");
      }
    }
  };

  const http: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
            `Port ${options.port} on ${options.host} is already in use: stop what uses it or set LINGOREEL_PORT.`,
            { cause: error },
          )
          : error,
      );
    };
    http.once("error", onError);
    http.listen(options.port, options.host, () => {
      http.off("error", onError);
      resolve();
    });
  });
  // Attached only once the port is bound: ws re-emits the server's errors (EADDRINUSE) on
  // itself, where nothing would catch them.
  // The largest legitimate message is ~140 KB (an export of 10,000 episodes and 10,000 expressions);
  // ws would otherwise buffer up to 100 MiB per message before zod sees it.
  const wss = options.api ? new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE_BYTES }) : undefined;
  wss?.on("error", (error) => log.error("WebSocket server error", { error }));
  if (!options.api) {
    http.on("upgrade", (_req, socket) => {
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\n\r\nThis daemon runs as a worker (LINGOREEL_ROLE=worker): connect to the api daemon.\r\n",
      );
    });
  }
  const handler = wss &&
    applyWSSHandler({
      wss,
      router: appRouter,
      createContext: options.createContext,
      keepAlive: { enabled: true, pingMs: 15_000, pongWaitMs: 5_000 },
      onError({ error, path }) {
        if (error.cause instanceof RangeError && error.cause.message === "Max payload size exceeded") {
          // ws has closed that connection with code 1009; the client sees the close, not a reply
          log.warn(
            `a client sent a message over the ${
              MAX_MESSAGE_BYTES / 1024
            } KiB limit; its connection was closed (code 1009)`,
          );
        } else if (error.code === "INTERNAL_SERVER_ERROR") {
          log.error("procedure failed", { path, error: error.cause ?? error });
        }
      },
    });
  const port = (http.address() as AddressInfo).port;
  const url = `ws://${clientHost(options.host)}:${port}`;
  log.info("listening", { url, api: options.api });
  const warning = bindWarning(options.host, port, options.api);
  if (warning) log.warn(warning, { host: options.host, port });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return {
    url,
    port,
    clientCount: () => wss?.clients.size ?? 0,
    stopAccepting: () => {
      http.close();
    },
    notifyReconnect: () => handler?.broadcastReconnectNotification(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
