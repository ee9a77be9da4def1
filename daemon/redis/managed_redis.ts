import { join } from "@std/path";
import { delay } from "@std/async/delay";
import type { Logger } from "../log.ts";

/** The managed Redis could not be started; the message says why and what to do. */
export class RedisStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisStartError";
  }
}

/** Sends PING over a unix socket; true when Redis answers PONG within `timeoutMs`. */
export async function pingSocket(path: string, timeoutMs = 500): Promise<boolean> {
  let conn: Deno.UnixConn | undefined;
  const timer = setTimeout(() => conn?.close(), timeoutMs);
  try {
    conn = await Deno.connect({ transport: "unix", path });
    await conn.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* already closed by the timer */ }
  }
}

async function sendShutdown(path: string): Promise<void> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    try {
      await conn.write(new TextEncoder().encode("*1\r\n$8\r\nSHUTDOWN\r\n"));
      await conn.read(new Uint8Array(64)).catch(() => null);
    } finally {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
  } catch { /* already gone */ }
}

/**
 * A `redis-server` child on a unix socket in the data directory, with append-only persistence so
 * queued work survives restarts. Used when `REDIS_URL` is not set.
 */
export class ManagedRedis implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #exited = false;
  readonly status: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess, readonly socketPath: string, private log: Logger) {
    this.#child = child;
    this.status = child.status.then((status) => {
      this.#exited = true;
      return status;
    });
  }

  /** The child's pid. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Whether the child process is still running. */
  get running(): boolean {
    return !this.#exited;
  }

  /**
   * Starts redis-server and waits until it answers PING. A server left running by a daemon that
   * was killed is shut down first (it saves its data), then a fresh one is started.
   */
  static async start(
    options: { dataDir: string; log: Logger; binary?: string; readyTimeoutMs?: number },
  ): Promise<ManagedRedis> {
    const log = options.log.child({ component: "redis" });
    const dir = join(options.dataDir, "redis");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const socketPath = join(options.dataDir, "redis.sock");
    if (new TextEncoder().encode(socketPath).length > 100) {
      throw new RedisStartError(
        `The data directory path is too long for a unix socket (${socketPath}): use a shorter LINGOREEL_DATA_DIR or set REDIS_URL.`,
      );
    }
    if (await pingSocket(socketPath)) {
      log.warn("found a redis-server left running by an earlier daemon; shutting it down", { socketPath });
      await sendShutdown(socketPath);
      for (let i = 0; i < 50 && await pingSocket(socketPath, 100); i++) await delay(100);
    }
    await Deno.remove(socketPath).catch(() => {});

    const logFile = join(dir, "redis.log");
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(options.binary ?? "redis-server", {
        args: [
          "--port",
          "0",
          "--unixsocket",
          socketPath,
          "--unixsocketperm",
          "700",
          "--dir",
          dir,
          "--appendonly",
          "yes",
          "--save",
          "",
          "--daemonize",
          "no",
          "--logfile",
          logFile,
        ],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new RedisStartError(
          "redis-server is not installed: install it (apt-get install redis-server) or point REDIS_URL at a running Redis.",
          { cause: error },
        );
      }
      throw error;
    }
    const redis = new ManagedRedis(child, socketPath, log);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (!redis.running) break;
      if (await pingSocket(socketPath)) {
        log.info("managed redis-server is ready", { pid: child.pid, socketPath });
        return redis;
      }
      await delay(25);
    }
    const tail = await Deno.readTextFile(logFile).then((t) => t.trim().split("\n").slice(-5).join("\n"))
      .catch(() => "(no log)");
    await redis.stop();
    throw new RedisStartError(
      `redis-server did not become ready on ${socketPath}. Its log (${logFile}) ends with:\n${tail}`,
    );
  }

  /** Stops the server (SIGTERM; it writes its append-only file), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 3_000): Promise<void> {
    if (!this.running) return;
    try {
      this.#child.kill("SIGTERM");
    } catch { /* exited meanwhile */ }
    const timer = setTimeout(() => {
      this.log.warn("redis-server did not stop in time; killing it", { pid: this.pid });
      try {
        this.#child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
    }, timeoutMs);
    await this.status;
    clearTimeout(timer);
    await Deno.remove(this.socketPath).catch(() => {});
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
