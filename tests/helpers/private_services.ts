/**
 * A Redis and a PostgreSQL of a test's own, which it may stop and start again (the shared ones
 * of the suite are never restarted). Each runs from a temporary directory on a free port and is
 * stopped by its own pid.
 */
import { join } from "@std/path";
import { delay } from "@std/async/delay";

/** A free TCP port on 127.0.0.1 (closed again at once, so nothing holds it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function run(command: string, args: string[], options: { user?: string; cwd?: string } = {}) {
  const [cmd, argv] = options.user
    ? ["runuser", ["-u", options.user, "--", command, ...args]]
    : [command, args];
  const out = await new Deno.Command(cmd, { args: argv, cwd: options.cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${command} ${args.join(" ")} failed (${out.code}):\n${text}`);
  return text;
}

/** Whether a process runs (a zombie no longer does). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(50);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function redisPing(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buffer = new Uint8Array(64);
      const n = await conn.read(buffer);
      return n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG");
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** A private redis-server with append-only persistence. */
export interface PrivateRedis extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Stops the server: `SIGTERM` (it writes its AOF and exits) or `SIGKILL`. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
}

/** Starts a redis-server on a free port with `--appendonly yes` in a temporary directory. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-redis-" });
  const port = freePort();
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--logfile",
        join(dir, "redis.log"),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitUntil(`redis-server on port ${port}`, () => redisPing(port));
  };
  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
    if (!child) return;
    const current = child;
    child = undefined;
    try {
      current.kill(signal);
    } catch { /* gone */ }
    await current.status;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** A private PostgreSQL cluster (run as the `postgres` user). */
export interface PrivatePostgres extends AsyncDisposable {
  /** A connection string of a database the tests own. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (`fast`: disconnects every client). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
}

/**
 * Creates a cluster with `initdb` in a temporary directory (trust authentication, unix socket in
 * that directory), starts it on a free port and creates a database `lingoreel`.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-pg-" });
  await Deno.chmod(dir, 0o755);
  await run("chown", ["postgres", dir]);
  const data = join(dir, "data");
  const port = freePort();
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], {
    user: "postgres",
    cwd: dir,
  });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB`;
  const pidFile = join(data, "postmaster.pid");
  let pid: number | undefined;
  const start = async () => {
    await run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "pg.log"), "-w", "start"], {
      user: "postgres",
      cwd: dir,
    });
    pid = Number((await Deno.readTextFile(pidFile)).split("\n")[0]);
  };
  const stop = async () => {
    if (pid === undefined) return;
    const current = pid;
    pid = undefined;
    // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, the data is consistent
    try {
      Deno.kill(current, "SIGINT");
    } catch { /* gone */ }
    await waitUntil(`PostgreSQL (pid ${current}) to stop`, () => !alive(current));
  };
  await start();
  await run("psql", ["-h", dir, "-p", String(port), "-U", "postgres", "-c", "create database lingoreel"], {
    user: "postgres",
    cwd: dir,
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/lingoreel`,
    port,
    stop,
    start,
    async [Symbol.asyncDispose]() {
      if (pid !== undefined) {
        const current = pid;
        pid = undefined;
        try {
          Deno.kill(current, "SIGQUIT"); // immediate shutdown: nothing to keep
        } catch { /* gone */ }
        await waitUntil(`PostgreSQL (pid ${current}) to stop`, () => !alive(current)).catch(() => {});
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
