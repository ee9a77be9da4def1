/**
 * Start-up, shutdown and idle memory of the daemon on embedded defaults (PGlite + managed Redis).
 *
 *   deno task bench            # table
 *   deno task bench --json     # JSON
 *   deno task bench --runs 10
 *
 * Each run spawns the daemon exactly as `deno task daemon` does, on one data directory that a
 * first (cold) run created, and measures: spawn → GET /healthz answering 200, idle RSS of the
 * daemon process after a few seconds (the managed redis-server reported apart), and SIGTERM →
 * exit. The cold run (database creation) is reported separately.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { delay } from "@std/async/delay";
import { join } from "@std/path";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = Deno.args;
const json = args.includes("--json");
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const idleS = Number(args[args.indexOf("--idle") + 1]) || 5;

const task: string = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.daemon;
const taskArgs = task.split(/\s+/).slice(1); // "deno run ... daemon/main.ts" without "deno"

function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function redisPid(log: string): number | undefined {
  const line = log.split("\n").find((l) => l.includes("managed redis-server is ready"));
  return line ? JSON.parse(line).pid : undefined;
}

interface Run {
  startMs: number;
  status: string;
  rssMb: number;
  redisRssMb: number;
  stopMs: number;
  exitCode: number;
}

async function once(dataDir: string, measureIdle: boolean): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: taskArgs,
    cwd: ROOT,
    env: { LINGOREEL_DATA_DIR: dataDir, LINGOREEL_PORT: "0" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const drain = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
  })();
  let status = "";
  const deadline = Date.now() + 60_000;
  while (!status) {
    if (Date.now() > deadline) throw new Error(`not healthy within 60 s:\n${log}`);
    try {
      const info = JSON.parse(await Deno.readTextFile(join(dataDir, "daemon.json")));
      if (info.pid === child.pid) {
        const res = await fetch(`${info.url.replace("ws", "http")}/healthz`);
        const body = await res.json();
        if (res.status === 200) status = body.status;
      }
    } catch { /* not up yet */ }
    if (!status) await delay(10);
  }
  const startMs = performance.now() - started;
  let rss = 0;
  let redisRss = 0;
  if (measureIdle) {
    await delay(idleS * 1000);
    rss = rssBytes(child.pid);
    const redis = redisPid(log);
    redisRss = redis ? rssBytes(redis) : 0;
  }
  const stopping = performance.now();
  child.kill("SIGTERM");
  const { code } = await child.status;
  const stopMs = performance.now() - stopping;
  await drain;
  return {
    startMs,
    status,
    rssMb: rss / 1024 / 1024,
    redisRssMb: redisRss / 1024 / 1024,
    stopMs,
    exitCode: code,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-bench-" });
try {
  const cold = await once(dataDir, false);
  const warm: Run[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once(dataDir, true));
  const result = {
    runs,
    idleSeconds: idleS,
    coldStartMs: Math.round(cold.startMs),
    startToHealthyMs: {
      median: Math.round(median(warm.map((r) => r.startMs))),
      max: Math.round(Math.max(...warm.map((r) => r.startMs))),
    },
    shutdownMs: {
      median: Math.round(median(warm.map((r) => r.stopMs))),
      max: Math.round(Math.max(...warm.map((r) => r.stopMs))),
    },
    idleRssMb: {
      median: Math.round(median(warm.map((r) => r.rssMb))),
      max: Math.round(Math.max(...warm.map((r) => r.rssMb))),
    },
    managedRedisRssMb: Math.round(median(warm.map((r) => r.redisRssMb)) * 10) / 10,
    healthStatus: warm.map((r) => r.status),
    exitCodes: warm.map((r) => r.exitCode),
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `daemon start-up on embedded defaults (${runs} warm runs, ${Deno.build.os}, ${navigator.hardwareConcurrency} cores)`,
    );
    console.log(`  first start (creates the database) ${result.coldStartMs} ms`);
    console.log(
      `  start → healthy                    median ${result.startToHealthyMs.median} ms, max ${result.startToHealthyMs.max} ms   (target < 3000)`,
    );
    console.log(
      `  SIGTERM → exit                     median ${result.shutdownMs.median} ms, max ${result.shutdownMs.max} ms   (target < 2000)`,
    );
    console.log(
      `  idle RSS after ${idleS} s                median ${result.idleRssMb.median} MB, max ${result.idleRssMb.max} MB   (target < 200)`,
    );
    console.log(`  managed redis-server RSS           ${result.managedRedisRssMb} MB`);
    console.log(
      `  health: ${[...new Set(result.healthStatus)].join(", ")}; exit codes: ${
        [...new Set(result.exitCodes)].join(", ")
      }`,
    );
  }
  if (result.exitCodes.some((c) => c !== 0)) Deno.exit(1);
} finally {
  await Deno.remove(dataDir, { recursive: true });
}
