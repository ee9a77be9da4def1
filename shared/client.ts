/**
 * The typed client for scripts and the TUI.
 *
 * ```ts
 * import { connect } from "./shared/client.ts";
 * await using api = await connect();
 * console.log(await api.health.check.query());
 * ```
 * @module
 */
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from "@trpc/client";
import { join } from "@std/path";
import type { AppRouter } from "./router.ts";
import { DAEMON_FILE, resolveDataDir, TOKEN_FILE } from "./paths.ts";
import { type DaemonFile, daemonFileSchema } from "./schemas.ts";

/** Where and how to reach the daemon. Everything is optional. */
export interface ConnectOptions {
  /** `ws://host:port`; by default read from `daemon.json` in the data directory on every attempt. */
  url?: string;
  /** API token; by default `LINGOREEL_TOKEN`, else the `token` file in the data directory. */
  token?: string;
  /** Data directory; by default as the daemon resolves it (`LINGOREEL_DATA_DIR`, XDG, home). */
  dataDir?: string;
  /** Told about every change of the connection state. */
  onStateChange?: (state: ConnectionState) => void;
  /** Longest delay between reconnect attempts, in ms (default 5,000). */
  maxRetryDelayMs?: number;
}

/** The state of the client's connection, for people watching it. */
export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "connected"; url: string }
  | {
    kind: "reconnecting";
    /** Why the last attempt or connection failed. */
    reason: string;
    /** Epoch ms of the next attempt, for a countdown. */
    retryAt: number;
    attempt: number;
  }
  | { kind: "closed" };

/** A typed tRPC client of the daemon's router, plus its connection. */
export type LingoreelClient = TRPCClient<AppRouter> & {
  /** The current connection state. */
  readonly connection: ConnectionState;
  /** Closes the connection; the client cannot be used afterwards. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Thrown by {@link connect} when no daemon can be reached or it refuses the token. */
export class ConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectError";
  }
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: fall back to the files
  }
}

/** The message of an error's innermost cause: tRPC wraps the useful one in "Initialization error". */
function innermostMessage(error: Error): string {
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return (inner as Error).message;
}

function defaultDataDir(): string {
  return resolveDataDir({
    LINGOREEL_DATA_DIR: readEnv("LINGOREEL_DATA_DIR"),
    XDG_DATA_HOME: readEnv("XDG_DATA_HOME"),
    HOME: readEnv("HOME"),
  });
}

/** Reads `daemon.json` of a data directory, or explains why there is no running daemon. */
export async function readDaemonFile(dataDir: string): Promise<DaemonFile> {
  const path = join(dataDir, DAEMON_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConnectError(
        `No daemon is running for ${dataDir} (${path} does not exist): start one with \`deno task daemon\`.`,
      );
    }
    throw error;
  }
  const parsed = daemonFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ConnectError(`${path} is not a daemon file: ${parsed.error.message}`);
  }
  return parsed.data;
}

async function readToken(dataDir: string): Promise<string> {
  const fromEnv = readEnv("LINGOREEL_TOKEN");
  if (fromEnv) return fromEnv;
  const path = join(dataDir, TOKEN_FILE);
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (error) {
    throw new ConnectError(
      `Cannot read the API token from ${path} (${
        (error as Error).message
      }): pass { token } or set LINGOREEL_TOKEN.`,
    );
  }
}

/**
 * Creates a client at once, without waiting for a connection; it connects and reconnects by
 * itself (reading `daemon.json` again on each attempt), and resumes event subscriptions where
 * they left off. The TUI uses this to show the connection state.
 */
export function createClient(options: ConnectOptions = {}): LingoreelClient {
  const dataDir = options.dataDir ?? (options.url && options.token ? "" : defaultDataDir());
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  let state: ConnectionState = { kind: "connecting" };
  let everConnected = false;
  let lastUrl = options.url ?? "";
  let nextRetry = { at: Date.now(), attempt: 0 };

  const setState = (next: ConnectionState) => {
    state = next;
    options.onStateChange?.(next);
  };

  const wsClient = createWSClient({
    url: async () => {
      lastUrl = options.url ?? (await readDaemonFile(dataDir)).url;
      return lastUrl;
    },
    connectionParams: async () => ({ token: options.token ?? (await readToken(dataDir)) }),
    retryDelayMs: (attempt) => {
      const delay = Math.min(maxDelay, 500 * 2 ** attempt);
      nextRetry = { at: Date.now() + delay, attempt: attempt + 1 };
      // The client reports a failure before it asks for the delay: give that report its retry time.
      if (state.kind === "reconnecting") {
        setState({ ...state, retryAt: nextRetry.at, attempt: nextRetry.attempt });
      }
      return delay;
    },
    keepAlive: { enabled: true, intervalMs: 5_000, pongTimeoutMs: 3_000 },
  });

  const subscription = wsClient.connectionState.subscribe({
    next(connection) {
      if (state.kind === "closed") return;
      if (connection.state === "pending") {
        everConnected = true;
        setState({ kind: "connected", url: lastUrl });
      } else if (connection.state === "connecting") {
        if (!everConnected && !connection.error) {
          setState({ kind: "connecting" });
        } else {
          const reason = connection.error ? innermostMessage(connection.error) : "connection lost";
          setState({ kind: "reconnecting", reason, retryAt: nextRetry.at, attempt: nextRetry.attempt });
        }
      }
    },
  });

  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  const close = async () => {
    if (state.kind === "closed") return;
    setState({ kind: "closed" });
    subscription.unsubscribe();
    await wsClient.close();
  };
  const extras: Record<PropertyKey, unknown> = {
    close,
    [Symbol.asyncDispose]: close,
  };
  return new Proxy(trpc, {
    get(target, prop, receiver) {
      if (prop === "connection") return state;
      if (prop in extras) return extras[prop];
      return Reflect.get(target, prop, receiver);
    },
  }) as LingoreelClient;
}

/**
 * Connects to the daemon and resolves once it has accepted the token. Throws a
 * {@link ConnectError} saying what to do when no daemon answers within `timeoutMs`
 * (default 5,000) or the token is refused.
 */
export async function connect(
  options: ConnectOptions & { timeoutMs?: number } = {},
): Promise<LingoreelClient> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let lastReason = "";
  const client = createClient({
    ...options,
    onStateChange(state) {
      if (state.kind === "reconnecting") lastReason = state.reason;
      options.onStateChange?.(state);
    },
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await client.health.ping.query(undefined, { signal: timeout });
    return client;
  } catch (error) {
    await client.close();
    const code = (error as { data?: { code?: string } }).data?.code;
    if (code === "UNAUTHORIZED") {
      throw new ConnectError(
        "The daemon refused the API token: pass the token from <data dir>/token or LINGOREEL_TOKEN.",
        { cause: error },
      );
    }
    if (timeout.aborted) {
      const where = options.url ?? join(options.dataDir ?? defaultDataDir(), DAEMON_FILE);
      throw new ConnectError(
        `No answer from the lingoreel daemon (${where}) within ${timeoutMs} ms${
          lastReason ? `: ${lastReason}` : ""
        }. Is it running? Start it with \`deno task daemon\`.`,
        { cause: error },
      );
    }
    throw error;
  }
}
