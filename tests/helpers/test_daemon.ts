import { parseConfig } from "../../daemon/config.ts";
import { type Daemon, startDaemon } from "../../daemon/main.ts";
import { type Context, createCallerFactory } from "../../daemon/rpc/mod.ts";
import { appRouter } from "../../daemon/rpc/router.ts";
import { createTestSchema, memoryLogger, testRedisUrl, uniqueName } from "./services.ts";

const createCaller = createCallerFactory(appRouter);

/** An in-process daemon on the test PostgreSQL (own schema) and Redis, listening on port 0. */
export interface TestDaemon extends AsyncDisposable {
  readonly daemon: Daemon;
  readonly dataDir: string;
  readonly token: string;
  readonly log: ReturnType<typeof memoryLogger>;
  /** A server-side caller, authenticated or not. */
  caller(authenticated?: boolean): ReturnType<typeof createCaller>;
}

/**
 * Starts a daemon with the given extra environment (e.g. `REDIS_URL`). A given `dataDir` is
 * reused (and not removed), as a restarted daemon would.
 */
export async function startTestDaemon(
  env: Record<string, string> = {},
  options: { dataDir?: string; token?: string } = {},
): Promise<TestDaemon> {
  const schema = await createTestSchema();
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "lingoreel-test-" });
  const token = options.token ?? crypto.randomUUID();
  const log = memoryLogger();
  const config = parseConfig({
    HOME: dataDir,
    LINGOREEL_DATA_DIR: dataDir,
    LINGOREEL_PORT: "0",
    LINGOREEL_TOKEN: token,
    DATABASE_URL: schema.url,
    REDIS_URL: testRedisUrl(),
    // queues and events of their own, unless daemons are meant to share them
    LINGOREEL_REDIS_PREFIX: uniqueName("lr"),
    ...env,
  });
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config, log);
  } catch (error) {
    await schema[Symbol.asyncDispose]();
    if (ownsDir) await Deno.remove(dataDir, { recursive: true });
    throw error;
  }
  return {
    daemon,
    dataDir,
    token,
    log,
    caller(authenticated = true) {
      const ctx: Context = { services: daemon.services, authenticated, remote: "test" };
      return createCaller(ctx);
    },
    async [Symbol.asyncDispose]() {
      await daemon.shutdown();
      await schema[Symbol.asyncDispose]();
      if (ownsDir) await Deno.remove(dataDir, { recursive: true });
    },
  };
}
