import { join } from "@std/path";
import { delay } from "@std/async/delay";
import { type DaemonFile, daemonFileSchema } from "../../shared/schemas.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A real daemon process on its own temporary data directory. */
export interface DaemonProcess extends AsyncDisposable {
  readonly dataDir: string;
  readonly info: DaemonFile;
  readonly token: string;
  readonly child: Deno.ChildProcess;
  /** What the daemon wrote to stderr so far (its JSON log). */
  log(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Spawns `daemon/main.ts` as `deno task daemon` would, on embedded defaults in a fresh data
 * directory (port 0), and waits until it has written daemon.json.
 */
export async function startDaemonProcess(
  options: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number } = {},
): Promise<DaemonProcess> {
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "lingoreel-test-" });
  const ownsDir = !options.dataDir;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--liftoff-only", join(ROOT, "daemon/main.ts")],
    cwd: dataDir, // no stray .env from the repository
    env: { LINGOREEL_DATA_DIR: dataDir, LINGOREEL_PORT: "0", NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then(async (s) => {
    exited = s;
    await drained;
    return s;
  });
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!exited) {
      try {
        child.kill(signal);
      } catch { /* exited meanwhile */ }
    }
    return await status;
  };
  const cleanUp = async () => {
    await stop();
    if (ownsDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) {
      await status;
      await cleanUp();
      throw new Error(`The daemon exited with code ${exited.code} before it was ready:\n${stderr}`);
    }
    try {
      const info = daemonFileSchema.parse(JSON.parse(await Deno.readTextFile(join(dataDir, "daemon.json"))));
      if (info.pid === child.pid) {
        const token = options.env?.LINGOREEL_TOKEN ??
          (await Deno.readTextFile(join(dataDir, "token"))).trim();
        return {
          dataDir,
          info,
          token,
          child,
          log: () => stderr,
          stop,
          [Symbol.asyncDispose]: cleanUp,
        };
      }
    } catch { /* not written yet */ }
    await delay(50);
  }
  await cleanUp();
  throw new Error(`The daemon did not become ready within ${options.timeoutMs ?? 30_000} ms:\n${stderr}`);
}
