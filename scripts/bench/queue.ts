/**
 * Queue figures:
 * - overhead per job with no-op stages: an in-process `Pipeline` on PostgreSQL and Redis whose
 *   analyse stage returns a stored empty run at once and whose render stage has nothing to
 *   render; batch creation → every job completed, divided by the job count (target < 10 ms), and
 *   one job alone on idle queues;
 * - the sample batch end to end: the sample library (`make_sample.ts`, without its hand-written
 *   analyses, so every chunk is a call to a local fake Gemini answering in 800 ms with those same
 *   expressions) in an API daemon and a worker daemon (real processes), default render options;
 *   wall time from `batches.create` to the batch's `finishedAt`, and the share of it during which
 *   the worker ran at least one ffmpeg or one LLM call was in flight (aim ≥ 85%; the rest is our
 *   overhead). ffmpeg runs are seen by polling the worker's child processes in /proc;
 * - progress event latency from the worker to a client of the API daemon subscribed over
 *   WebSocket, during that batch: receipt − the event's `at` (aim p99 < 100 ms), split into
 *   publish → Redis stream (the stream id's time) and stream → client.
 *
 * Needs a PostgreSQL and a Redis: TEST_DATABASE_URL and TEST_REDIS_URL, as scripts/test sets
 * them (each run gets its own schema and Redis prefix, removed afterwards).
 *
 *   deno task bench:queue [--json] [--jobs 200] [--runs 3] [--single | --workers N] [--sample DIR] [--only noop|batch]
 *
 * --jobs and --runs: the no-op batches' size and how many are timed (the median is reported);
 * --single runs the batch in one daemon of role `all` instead of an API and a worker daemon;
 * --sample reuses a sample library made before by make_sample.ts (it is copied, not changed).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { delay } from "@std/async/delay";
import { join } from "@std/path";
import { Redis } from "ioredis";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { SAMPLE_FILE } from "../../daemon/analysis/sample_seed.ts";
import { migrateToLatest, openDatabase } from "../../daemon/db/mod.ts";
import { EventBus, type NewEvent } from "../../daemon/events/mod.ts";
import { createLogger } from "../../daemon/log.ts";
import { CancelChannel, Pipeline, QueueHub, type StageWork } from "../../daemon/queue/mod.ts";
import { redisOptions } from "../../daemon/redis/mod.ts";
import { SettingsStore } from "../../daemon/settings/mod.ts";
import type { AnalysisRun } from "../../shared/analysis.ts";
import { connect } from "../../shared/client.ts";
import type { Job } from "../../shared/jobs.ts";
import type { AppEvent } from "../../shared/schemas.ts";
import { startDaemonProcess } from "../../tests/helpers/daemon_process.ts";
import { createTestSchema, dropRedisPrefix, uniqueName } from "../../tests/helpers/services.ts";
import { startGeminiServer } from "../../tests/fakes/gemini_server.ts";
import { SAMPLE_ANALYSES } from "../sample/analyses.ts";

const args = Deno.args;
const json = args.includes("--json");
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const JOBS = Number(option("--jobs") ?? 200);
const RUNS = Number(option("--runs") ?? 3);
const single = args.includes("--single");
/** Worker daemons beside the API daemon (`--workers N`, default 1). */
const workerCount = args.includes("--workers") ? Math.max(1, Number(args[args.indexOf("--workers") + 1])) : 1;
const sampleDir = option("--sample");
const only = option("--only");
const REPLY_MS = 800;
const POLL_MS = 20;
const FINISHED = ["completed", "failed", "cancelled", "waiting-review"];

if (!Number.isInteger(JOBS) || JOBS < 1) throw new Error(`--jobs expects a positive integer`);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs expects a positive integer`);
if (only && only !== "noop" && only !== "batch") throw new Error(`--only expects noop or batch`);
const databaseUrl = Deno.env.get("TEST_DATABASE_URL");
const redisUrl = Deno.env.get("TEST_REDIS_URL");
if (!databaseUrl || !redisUrl) {
  console.error(
    "bench:queue needs TEST_DATABASE_URL (a PostgreSQL database it may create schemas in) and " +
      "TEST_REDIS_URL (a Redis), as scripts/test sets them.",
  );
  Deno.exit(2);
}

// ---------------------------------------------------------------------------------------------
// small helpers

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Interval {
  start: number;
  end: number;
  kind: string;
}

/** The union of intervals clipped to [from, to], merged and in order. */
function union(intervals: Interval[], from: number, to: number): { start: number; end: number }[] {
  const clipped = intervals.map((i) => ({ start: Math.max(from, i.start), end: Math.min(to, i.end) }))
    .filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const i of clipped) {
    const last = merged.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ ...i });
  }
  return merged;
}

const total = (spans: { start: number; end: number }[]) => spans.reduce((n, s) => n + s.end - s.start, 0);

// ---------------------------------------------------------------------------------------------
// 1. queue overhead per job, with no-op stages

/** The first table a query names (breadth first), e.g. `jobs`. */
function firstTable(node: unknown): string {
  const queue: unknown[] = [node];
  while (queue.length) {
    const next = queue.shift();
    if (!next || typeof next !== "object") continue;
    const n = next as { kind?: string; table?: { identifier?: { name?: string } } };
    if (n.kind === "TableNode" && n.table?.identifier?.name) return n.table.identifier.name;
    queue.push(...Object.values(next));
  }
  return "?";
}

/**
 * Counts the pipeline's SQL queries and the time they take (from compiling to the result, so
 * waiting for a pooled connection too), by statement and table.
 */
class QueryCounter implements KyselyPlugin {
  readonly byKind = new Map<string, { n: number; ms: number }>();
  readonly #started = new Map<string, { at: number; kind: string }>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const statement = args.node.kind.replace("QueryNode", "").replace("Node", "").toLowerCase();
    this.#started.set(args.queryId.queryId, {
      at: performance.now(),
      kind: `${statement} ${firstTable(args.node)}`,
    });
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const started = this.#started.get(args.queryId.queryId);
    if (started !== undefined) {
      this.#started.delete(args.queryId.queryId);
      const entry = this.byKind.get(started.kind) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - started.at;
      this.byKind.set(started.kind, entry);
    }
    return Promise.resolve(args.result);
  }

  get queries(): number {
    return [...this.byKind.values()].reduce((n, e) => n + e.n, 0);
  }

  get ms(): number {
    return [...this.byKind.values()].reduce((n, e) => n + e.ms, 0);
  }

  reset(): void {
    this.byKind.clear();
  }
}

async function noopOverhead(jobs: number) {
  const warmJobs = 20;
  const alone = 20;
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-bench-queue-" });
  const schema = await createTestSchema();
  const prefix = uniqueName("lrbench");
  // the daemon's logging at its default level, to nowhere instead of stderr; info lines also
  // become `log` events on the stream, as in the daemon
  let logLines = 0;
  const log = createLogger({ level: "info", write: () => void logLines++ });
  const database = await openDatabase({ databaseUrl: schema.url, dataDir: dir, log });
  const connection = redisOptions({ kind: "url", url: redisUrl! });
  const events = new EventBus({ redis: connection, source: "bench", log, stream: `${prefix}:events` });
  const removeSink = log.addSink(events.logSink());
  const queues = new QueueHub({ connection, role: "all", log, prefix });
  const cancels = new CancelChannel({ connection, prefix, log });
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      await queues.closeWorkers(2_000);
      await queues.closeQueues();
      await cancels.close();
      removeSink();
      await events.close();
      await database[Symbol.asyncDispose]();
      await schema[Symbol.asyncDispose]();
      await dropRedisPrefix(prefix, redisUrl!);
      await Deno.remove(dir, { recursive: true });
    })();
  interrupted = close;
  try {
    await migrateToLatest(database.db, log);
    const settings = new SettingsStore(database.db);
    const concurrency = await settings.get("queue.concurrency");

    // episodes and an empty analysis run for each, made before anything is timed
    const count = warmJobs + jobs * RUNS + alone;
    const episodes = await database.db.insertInto("episodes").values(
      Array.from({ length: count }, (_, i) => ({
        root: dir,
        path: `${dir}/Bench.S01E${String(i + 1).padStart(3, "0")}.mkv`,
        rel_path: `Bench.S01E${String(i + 1).padStart(3, "0")}.mkv`,
        kind: "episode" as const,
        show: "Bench",
        season: 1,
        episode: i + 1,
        sort_key: `bench ${String(i + 1).padStart(4, "0")}`,
        size: 1,
        mtime_ms: 1,
      })),
    ).returning("id").execute();
    const runs = await database.db.insertInto("analysis_runs").values(episodes.map((e) => ({
      episode_id: e.id,
      options: JSON.stringify({}),
      model: "bench",
      prompt_version: "bench",
      status: "completed",
      finished_at: new Date(),
    }))).returning(["id", "episode_id"]).execute();
    const runOf = new Map(runs.map((r) => [r.episode_id, r.id]));

    let analyses = 0;
    let renders = 0;
    const work: StageWork = {
      analyze(episodeId) {
        analyses++;
        const run: AnalysisRun = {
          id: runOf.get(episodeId)!,
          episodeId,
          status: "completed",
          chunks: 0,
          failedChunks: [],
          calls: 0,
          cachedChunks: 0,
          promptTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          kept: 0,
          dropped: 0,
          groups: 0,
          durationMs: 0,
          error: null,
        };
        return Promise.resolve(run);
      },
      renderGroup() {
        renders++;
        return Promise.resolve([]);
      },
    };

    // the end of a batch is seen in the pipeline's own `batch.state` event, at no cost
    let published = 0;
    const ended = new Map<number, { state: string; at: number }>();
    const waiters = new Map<number, () => void>();
    // when each job's stages started and ended, from its `job.state` events
    const marks = new Map<number, Map<string, number>>();
    const publish = (event: NewEvent) => {
      published++;
      if (event.type === "job.state") {
        const mine = marks.get(event.data.jobId) ?? new Map<string, number>();
        const key = `${event.data.stage}:${event.data.state}`;
        if (!mine.has(key)) mine.set(key, performance.now());
        marks.set(event.data.jobId, mine);
      }
      if (event.type === "batch.state" && FINISHED.includes(event.data.state)) {
        ended.set(event.data.batchId, { state: event.data.state, at: performance.now() });
        waiters.get(event.data.batchId)?.();
      }
      return events.publish(event);
    };
    const counter = new QueryCounter();
    const pipeline = new Pipeline({
      db: database.db.withPlugin(counter),
      queues,
      cancels,
      work,
      publish,
      log,
      worker: `bench:${Deno.pid}`,
      retries: await settings.get("queue.retries"),
    });
    pipeline.startWorkers(concurrency);

    const runBatch = async (ids: number[]) => {
      const started = performance.now();
      const { batchId, jobIds } = await pipeline.createBatch(ids);
      if (!ended.has(batchId)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no-op batch ${batchId} did not finish within 120 s`)),
            120_000,
          );
          waiters.set(batchId, () => (clearTimeout(timer), resolve()));
        });
        waiters.delete(batchId);
      }
      const end = ended.get(batchId)!;
      if (end.state !== "completed") throw new Error(`no-op batch ${batchId} ended ${end.state}`);
      const states = await database.db.selectFrom("jobs").select("state").where("batch_id", "=", batchId)
        .execute();
      const bad = states.filter((s) => s.state !== "completed");
      if (states.length !== ids.length || bad.length) {
        throw new Error(`no-op batch ${batchId}: ${bad.length} of ${states.length} jobs not completed`);
      }
      return { ms: end.at - started, started, jobIds };
    };

    const ids = episodes.map((e) => e.id);
    await runBatch(ids.slice(0, warmJobs)); // connections, JIT, BullMQ scripts
    counter.reset();
    published = 0;
    logLines = 0;
    analyses = 0;
    const walls: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const from = warmJobs + run * jobs;
      walls.push((await runBatch(ids.slice(from, from + jobs))).ms);
    }
    const measured = jobs * RUNS;
    const perJob = {
      sqlQueries: round(counter.queries / measured),
      sqlMs: round(counter.ms / measured, 2),
      sqlByKind: [...counter.byKind.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([kind, e]) => ({
        kind,
        queries: round(e.n / measured, 2),
        ms: round(e.ms / measured, 2),
      })),
      events: round(published / measured),
      logLines: round(logLines / measured),
    };
    if (analyses !== measured || renders !== 0) {
      throw new Error(`expected ${measured} analyses and no render, got ${analyses} and ${renders}`);
    }
    // one job at a time on idle queues: its latency through both stages
    const single: number[] = [];
    const steps: Record<"toAnalyze" | "analyze" | "render", number[]> = {
      toAnalyze: [],
      analyze: [],
      render: [],
    };
    for (const id of ids.slice(warmJobs + measured)) {
      const { ms, started, jobIds: [jobId] } = await runBatch([id]);
      single.push(ms);
      const mark = (key: string) => marks.get(jobId)?.get(key) ?? NaN;
      steps.toAnalyze.push(mark("analyze:active") - started);
      steps.analyze.push(mark("render:active") - mark("analyze:active"));
      steps.render.push(mark("done:completed") - mark("render:active"));
    }
    const wallMs = percentile(walls, 50);
    return {
      jobs,
      runs: RUNS,
      concurrency,
      wallMs: Math.round(wallMs),
      msPerJob: round(wallMs / jobs, 2),
      msPerJobByRun: walls.map((w) => round(w / jobs, 2)),
      limitMs: 10,
      ok: wallMs / jobs < 10,
      oneJobAloneMs: {
        runs: alone,
        median: round(percentile(single, 50)),
        p90: round(percentile(single, 90)),
        // medians: create → analyse stage running, → render stage running, → completed
        createToAnalyze: round(percentile(steps.toAnalyze, 50)),
        analyzeToRender: round(percentile(steps.analyze, 50)),
        renderToDone: round(percentile(steps.render, 50)),
      },
      perJob,
    };
  } finally {
    interrupted = undefined;
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. the sample batch end to end, and progress event latency

/**
 * The fake Gemini's answer: the sample's hand-written expressions of the episode whose lines the
 * chunk holds (found by the expressions' text in their numbered lines), those inside the chunk.
 */
function sampleAnswer(body: Record<string, unknown>): string {
  const contents = (body.contents ?? []) as { parts?: { text?: string }[] }[];
  const text = contents.flatMap((c) => c.parts ?? []).map((p) => p.text ?? "").join("\n");
  const lines = new Map<number, string>();
  for (const m of text.matchAll(/^\[(\d+)\] (.*)$/gm)) lines.set(Number(m[1]), m[2].toLowerCase());
  let best: { hits: number; expressions: (typeof SAMPLE_ANALYSES)[string]["expressions"] } | undefined;
  for (const { expressions } of Object.values(SAMPLE_ANALYSES)) {
    const inside = expressions.filter((e) =>
      [e.expressionCue, e.contextStartCue, e.contextEndCue].every((n) => lines.has(n))
    );
    const hits = inside.filter((e) => lines.get(e.expressionCue)!.includes(e.expression.toLowerCase()));
    if (hits.length && hits.length === inside.length && hits.length > (best?.hits ?? 0)) {
      best = { hits: hits.length, expressions: hits };
    }
  }
  return JSON.stringify({ expressions: best?.expressions ?? [] });
}

/** The sample library without its hand-written analyses, in `root`. */
async function makeSample(root: string): Promise<void> {
  if (sampleDir) {
    const copy = await new Deno.Command("cp", { args: ["-a", `${sampleDir}/.`, root], stderr: "piped" })
      .output();
    if (!copy.success) throw new Error(new TextDecoder().decode(copy.stderr));
  } else {
    const make = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../sample/make_sample.ts", import.meta.url).pathname, "--out", root],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!make.success) throw new Error(new TextDecoder().decode(make.stderr));
  }
  for await (const entry of Deno.readDir(root)) {
    if (entry.isDirectory) await Deno.remove(join(root, entry.name, SAMPLE_FILE)).catch(() => {});
  }
}

/**
 * Watches a process's children (ffmpeg, ffprobe) through /proc every {@link POLL_MS} ms; each
 * run becomes an interval from the middle of the poll gap where it appeared to the middle of the
 * one where it was gone. Only runs whose command line mentions one of `needles` count (the
 * health check's `ffmpeg -version` does not).
 */
function watchChildren(pid: number, needles: string[]) {
  const runs: (Interval & { pid: number; episode?: string })[] = [];
  const open = new Map<number, { kind: string; start: number; episode?: string }>();
  const ignored = new Set<number>();
  let others = 0;
  let last = Date.now();
  let useChildrenFiles = true;
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return undefined;
    }
  };
  const children = (): number[] => {
    const out: number[] = [];
    if (useChildrenFiles) {
      let tasks: Deno.DirEntry[];
      try {
        tasks = [...Deno.readDirSync(`/proc/${pid}/task`)];
      } catch {
        return out; // the process is gone
      }
      for (const task of tasks) {
        const text = read(`/proc/${pid}/task/${task.name}/children`);
        if (text === undefined) {
          useChildrenFiles = false; // a kernel without CONFIG_PROC_CHILDREN
          return children();
        }
        for (const c of text.split(" ")) if (c.trim()) out.push(Number(c));
      }
      return out;
    }
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const stat = read(`/proc/${entry.name}/stat`);
      if (stat && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) {
        out.push(Number(entry.name));
      }
    }
    return out;
  };
  const tick = () => {
    const now = Date.now();
    const at = (last + now) / 2;
    last = now;
    const live = new Set<number>();
    for (const child of children()) {
      if (ignored.has(child)) continue;
      const stat = read(`/proc/${child}/stat`);
      if (!stat) continue;
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const state = stat[stat.lastIndexOf(")") + 2];
      if (state === "Z") continue; // exited, not yet reaped
      if (comm !== "ffmpeg" && comm !== "ffprobe") continue; // e.g. forked but not yet exec'd
      live.add(child);
      if (open.has(child)) continue;
      const cmd = read(`/proc/${child}/cmdline`)?.split("\0") ?? [];
      if (!needles.some((n) => cmd.some((a) => a.includes(n)))) {
        ignored.add(child);
        live.delete(child);
        others++;
        continue;
      }
      const kind = comm === "ffprobe"
        ? "ffprobe"
        : cmd.includes("-progress")
        ? "ffmpeg render"
        : cmd.some((a) => a.includes("/cache/"))
        ? "ffmpeg subtitle extraction"
        : "ffmpeg other";
      // the episode it works on, from the paths it names (`S01E02`)
      const episode = /\bS\d{2,}E\d{2,}\b/.exec(cmd.join(" "))?.[0];
      open.set(child, { kind, start: at, episode });
    }
    for (const [child, run] of open) {
      if (live.has(child)) continue;
      open.delete(child);
      runs.push({ pid: child, ...run, end: at });
    }
  };
  const timer = setInterval(tick, POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      tick();
      const now = Date.now();
      for (const [child, run] of open) runs.push({ pid: child, ...run, end: now });
      open.clear();
      return { runs, others };
    },
  };
}

/** What a job's own log says about its stages' times. */
function stageTimes(job: Job, lines: { at: string; message: string }[]) {
  const at = (prefix: string) => {
    const line = lines.find((l) => l.message.startsWith(prefix));
    return line ? Date.parse(line.at) : undefined;
  };
  const span = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : null);
  const analyzeStart = at("analyze started");
  const analyzed = at("analysis finished");
  const renderStart = at("render started");
  const done = at("completed with");
  return {
    waitMs: span(Date.parse(job.createdAt), analyzeStart),
    analyzeMs: span(analyzeStart, analyzed),
    toRenderMs: span(analyzed, renderStart),
    renderMs: span(renderStart, done),
  };
}

async function sampleBatch() {
  const work = await Deno.makeTempDir({ prefix: "lingoreel-bench-queue-" });
  const media = join(work, "media");
  const outputDir = join(work, "output");
  await Deno.mkdir(media);
  await Deno.mkdir(outputDir);
  const cleanups: (() => PromiseLike<unknown>)[] = [() => Deno.remove(work, { recursive: true })];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`cleanup: ${error}`);
      }
    }
  };
  interrupted = cleanUp;
  const daemons: Awaited<ReturnType<typeof startDaemonProcess>>[] = [];
  try {
    if (!json) console.error(sampleDir ? "copying the sample library …" : "making the sample library …");
    await makeSample(media);
    if (!json) console.error("running the sample batch (minutes) …");

    const llm: Interval[] = [];
    const gemini = await startGeminiServer({
      apiKey: "bench",
      handle: async (request) => {
        const text = sampleAnswer(request.body);
        await delay(Math.max(0, REPLY_MS - (Date.now() - request.receivedAt)));
        llm.push({ start: request.receivedAt, end: Date.now(), kind: "llm" });
        return { kind: "ok", text };
      },
    });
    cleanups.push(() => gemini.close());

    const schema = await createTestSchema();
    cleanups.push(() => schema[Symbol.asyncDispose]());
    const prefix = uniqueName("lrbench");
    cleanups.push(() => dropRedisPrefix(prefix, redisUrl!));
    const token = crypto.randomUUID();
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl!,
      LINGOREEL_REDIS_PREFIX: prefix,
      LINGOREEL_MEDIA_ROOTS: media,
      LINGOREEL_OUTPUT_DIR: outputDir,
      LINGOREEL_TOKEN: token,
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_BASE_URL: gemini.url,
    };
    const apiDaemon = await startDaemonProcess({ env: { ...env, LINGOREEL_ROLE: single ? "all" : "api" } });
    cleanups.push(() => apiDaemon[Symbol.asyncDispose]());
    daemons.push(apiDaemon);
    const workers = single ? [apiDaemon] : [];
    for (let i = 0; !single && i < workerCount; i++) {
      const worker = await startDaemonProcess({ env: { ...env, LINGOREEL_ROLE: "worker" } });
      cleanups.push(() => worker[Symbol.asyncDispose]());
      daemons.push(worker);
      workers.push(worker);
    }
    const api = await connect({ url: apiDaemon.info.url, token });
    cleanups.push(() => api.close());

    // the subscription, live before the batch: it must see the scan's events first
    const received: { event: AppEvent; id: string; at: number }[] = [];
    let libraryEvents = 0;
    let finished: (() => void) | undefined;
    let subscriptionError: unknown;
    let batchId = -1;
    const subscription = api.events.subscribe.subscribe({
      types: ["job.progress", "batch.state", "library.progress", "library.changed"],
    }, {
      onData: ({ id, data }) => {
        const at = Date.now();
        if (data.type === "library.progress" || data.type === "library.changed") libraryEvents++;
        else received.push({ event: data, id, at });
        if (
          data.type === "batch.state" && data.data.batchId === batchId && FINISHED.includes(data.data.state)
        ) {
          finished?.();
        }
      },
      onError: (error) => {
        subscriptionError = error;
        finished?.();
      },
    });
    cleanups.push(() => Promise.resolve(subscription.unsubscribe()));
    await api.library.scan.mutate({});
    for (let i = 0; i < 100 && !libraryEvents; i++) await delay(50);
    if (!libraryEvents) throw new Error("the event subscription saw none of the library scan's events");
    const episodes = (await api.library.list.query({})).items;
    if (episodes.length < 2) throw new Error(`the sample library has ${episodes.length} episodes`);

    const watchers = workers.map((w) => watchChildren(w.child.pid, [w.dataDir, outputDir]));
    const started = Date.now();
    const batchDone = new Promise<void>((resolve) => (finished = resolve));
    ({ batchId } = await api.batches.create.mutate({ episodeIds: episodes.map((e) => e.id) }));
    // the event ends the wait; polling is only the fallback
    for (let i = 0;; i++) {
      const timeout = delay(2_000).then(() => "poll" as const);
      if ((await Promise.race([batchDone.then(() => "event" as const), timeout])) === "event") break;
      if (subscriptionError) throw subscriptionError;
      for (const daemon of daemons) {
        const exited = await Promise.race([daemon.child.status, delay(0).then(() => undefined)]);
        if (exited) throw new Error(`daemon ${daemon.child.pid} exited with code ${exited.code}`);
      }
      if ((await api.batches.get.query({ id: batchId })).finishedAt) break;
      if (i > 600) throw new Error("the sample batch did not finish within 20 minutes");
    }
    if (subscriptionError) throw subscriptionError;
    const stopped = watchers.map((w) => w.stop());
    const runs = stopped.flatMap((w) => w.runs);
    const others = stopped.reduce((n, w) => n + w.others, 0);
    // the daemons' own peak memory (ffmpeg and ffprobe are other processes, not counted)
    const peakRssMb = await Promise.all(daemons.map(async (d) => {
      const status = await Deno.readTextFile(`/proc/${d.child.pid}/status`).catch(() => "");
      return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
    }));
    const batch = await api.batches.get.query({ id: batchId });
    if (!batch.finishedAt) throw new Error(`batch ${batchId} ended ${batch.state} without finishing`);
    const ended = Date.parse(batch.finishedAt);
    const wallMs = ended - started;

    // time inside ffmpeg or waiting for the LLM
    const ffmpeg = runs.filter((r) => r.kind.startsWith("ffmpeg"));
    const probes = runs.filter((r) => r.kind === "ffprobe");
    const busy = union([...ffmpeg, ...llm], started, ended);
    const busyMs = total(busy);
    const gaps = busy.length
      ? [
        { start: started, end: busy[0].start },
        ...busy.slice(1).map((b, i) => ({ start: busy[i].end, end: b.start })),
        {
          start: busy.at(-1)!.end,
          end: ended,
        },
      ]
      : [{ start: started, end: ended }];
    const everything = [...runs, ...llm];
    const near = (t: number, side: "end" | "start") => {
      const hit = everything.find((i) => Math.abs(i[side] - t) <= POLL_MS);
      return hit?.kind ??
        (side === "end" && t === started
          ? "batches.create"
          : side === "start" && t === ended
          ? "batch finished"
          : "?");
    };
    const largestGaps = gaps.filter((g) => g.end > g.start).sort((a, b) =>
      (b.end - b.start) - (a.end - a.start)
    )
      .slice(0, 5).map((g) => ({
        atMs: g.start - started,
        ms: g.end - g.start,
        after: near(g.start, "end"),
        before: near(g.end, "start"),
      }));

    // progress events, worker → client
    const progress = received.filter((r) =>
      r.event.type === "job.progress" && r.event.data.batchId === batchId
    );
    const latency = progress.map((r) => r.at - Date.parse(r.event.at));
    const toStream = progress.map((r) => Number(r.id.split("-")[0]) - Date.parse(r.event.at));
    const fromStream = progress.map((r) => r.at - Number(r.id.split("-")[0]));
    const redis = new Redis(redisOptions({ kind: "url", url: redisUrl! }));
    let publishedProgress = 0;
    try {
      for (const [, fields] of await redis.xrange(`${prefix}:events`, "-", "+")) {
        const event = JSON.parse(fields[fields.indexOf("e") + 1]) as AppEvent;
        if (event.type === "job.progress" && event.data.batchId === batchId) publishedProgress++;
      }
    } finally {
      redis.disconnect();
    }
    const stats = (values: number[]) => ({
      p50: percentile(values, 50),
      p90: percentile(values, 90),
      p99: percentile(values, 99),
      max: values.length ? Math.max(...values) : NaN,
    });

    // each episode's job
    const jobs = await Promise.all(batch.jobs.map(async (job) => {
      const lines = await api.jobs.logs.query({ id: job.id });
      const renders = await api.renders.list.query({ episodeId: job.episodeId });
      return {
        episode: job.label,
        state: job.state,
        videos: job.renderIds.length,
        // videos made for the episode but not the job's (a failed job's other groups)
        unlisted: renders.filter((r) => !job.renderIds.includes(r.id)).length,
        ffmpegMs: Math.round(
          ffmpeg.filter((r) => r.episode && job.label.endsWith(r.episode)).reduce(
            (n, r) => n + r.end - r.start,
            0,
          ),
        ),
        attempts: job.attempts,
        ...stageTimes(job, lines),
        error: job.error,
      };
    }));
    jobs.sort((a, b) => a.episode.localeCompare(b.episode));

    return {
      topology: single
        ? "one daemon (role all)"
        : `API daemon + ${workerCount} worker daemon${workerCount > 1 ? "s" : ""}`,
      peakRssMb,
      episodes: episodes.length,
      replyDelayMs: REPLY_MS,
      batchState: batch.state,
      wallMs,
      ffmpegMs: Math.round(total(union(ffmpeg, started, ended))),
      ffmpegRuns: ffmpeg.length,
      ffmpegByKind: Object.fromEntries(
        [...new Set(ffmpeg.map((r) => r.kind))].map((k) => [k, ffmpeg.filter((r) => r.kind === k).length]),
      ),
      llmMs: Math.round(total(union(llm, started, ended))),
      llmCalls: llm.length,
      busyMs: Math.round(busyMs),
      share: round((100 * busyMs) / wallMs),
      shareTargetPercent: 85,
      ok: busyMs / wallMs >= 0.85,
      overheadMs: Math.round(wallMs - busyMs),
      ffprobeRuns: probes.length,
      ffprobeMs: Math.round(total(union(probes, started, ended))),
      // ffprobe time while neither ffmpeg nor the LLM was busy
      ffprobeInOverheadMs: Math.round(total(union([...probes, ...ffmpeg, ...llm], started, ended)) - busyMs),
      otherChildProcesses: others,
      largestGaps,
      jobs,
      progressLatencyMs: {
        events: progress.length,
        published: publishedProgress,
        ...stats(latency),
        limitP99: 100,
        ok: percentile(latency, 99) < 100,
        publishToStream: stats(toStream),
        streamToClient: stats(fromStream),
      },
    };
  } catch (error) {
    for (const daemon of daemons) {
      console.error(`last lines of daemon ${daemon.child.pid}'s log:`);
      console.error(daemon.log().trimEnd().split("\n").slice(-15).join("\n"));
    }
    throw error;
  } finally {
    interrupted = undefined;
    await cleanUp();
  }
}

// ---------------------------------------------------------------------------------------------

// Ctrl-C stops the daemons and removes what the batch made
let interrupted: (() => Promise<void>) | undefined;
Deno.addSignalListener("SIGINT", async () => {
  await interrupted?.();
  Deno.exit(130);
});

const startedAll = performance.now();
const noop = only === "batch" ? undefined : await noopOverhead(JOBS);
const sample = only === "noop" ? undefined : await sampleBatch();
const result = { cores: navigator.hardwareConcurrency, noop, sample, benchSeconds: 0 };
result.benchSeconds = Math.round((performance.now() - startedAll) / 1000);

const problems: string[] = [];
if (sample) {
  for (const job of sample.jobs) {
    // the sample's fourth episode has a broken subtitle file on purpose
    const broken = job.episode.endsWith("E04");
    if (broken && job.state !== "failed") {
      problems.push(`${job.episode} was expected to fail, it ${job.state}`);
    }
    if (!broken && (job.state !== "completed" || job.videos === 0)) {
      problems.push(`${job.episode} ${job.state} with ${job.videos} videos: ${job.error ?? ""}`);
    }
  }
  const p = sample.progressLatencyMs;
  if (p.events === 0) problems.push("no progress event reached the client");
  if (p.events !== p.published) {
    problems.push(`${p.published} progress events published, ${p.events} received`);
  }
  if (sample.llmCalls === 0) problems.push("no call reached the fake Gemini");
}

if (json) {
  console.log(JSON.stringify({ ...result, problems }, null, 2));
} else {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`queue figures (${result.cores} cores; the whole bench took ${result.benchSeconds} s)`);
  if (noop) {
    console.log(
      `  no-op stages: batches of ${noop.jobs} jobs (one episode each) × ${noop.runs}, concurrency analyze ${noop.concurrency.analyze} / render ${noop.concurrency.render}`,
    );
    console.log(
      `    overhead per job      ${noop.msPerJob} ms median (runs: ${
        noop.msPerJobByRun.join(", ")
      } ms; create → all completed, ÷ jobs; target < 10 ms: ${noop.ok ? "ok" : "OVER"})`,
    );
    console.log(
      `    one job alone         median ${noop.oneJobAloneMs.median} ms, p90 ${noop.oneJobAloneMs.p90} ms (create → completed, idle queues; medians: → analyse running ${noop.oneJobAloneMs.createToAnalyze} ms, → render running ${noop.oneJobAloneMs.analyzeToRender} ms, → completed ${noop.oneJobAloneMs.renderToDone} ms)`,
    );
    console.log(
      `    per job               ${noop.perJob.sqlQueries} SQL queries (${noop.perJob.sqlMs} ms summed over queries), ${noop.perJob.events} events + ${noop.perJob.logLines} log lines (each also a log event)`,
    );
    console.log(
      `    SQL by statement      ${
        noop.perJob.sqlByKind.slice(0, 6).map((k) => `${k.kind} ${k.queries}× ${k.ms} ms`).join(", ")
      }`,
    );
  }
  if (sample) {
    console.log(
      `  sample batch: ${sample.episodes} episodes, default render options, fake Gemini answering in ${sample.replyDelayMs} ms, ${sample.topology}`,
    );
    console.log(
      `    wall time             ${
        s(sample.wallMs)
      } (batches.create → finishedAt; batch ${sample.batchState})`,
    );
    console.log(
      `    inside ffmpeg         ${s(sample.ffmpegMs)} (${sample.ffmpegRuns} runs: ${
        Object.entries(sample.ffmpegByKind).map(([k, n]) => `${n} ${k}`).join(", ")
      })`,
    );
    console.log(`    waiting for the LLM   ${s(sample.llmMs)} (${sample.llmCalls} calls)`);
    console.log(
      `    daemon peak RSS       ${sample.peakRssMb.map((mb) => `${mb} MB`).join(", ")} (ffmpeg excluded)`,
    );
    console.log(
      `    either                ${s(sample.busyMs)} → ${sample.share}% of the wall time (aim ≥ 85%: ${
        sample.ok ? "ok" : "UNDER"
      })`,
    );
    console.log(
      `    our overhead          ${s(sample.overheadMs)}, of which ffprobe of the outputs ${
        s(sample.ffprobeInOverheadMs)
      } (${sample.ffprobeRuns} runs)`,
    );
    console.log(
      `    largest gaps          ${
        sample.largestGaps.map((g) => `${g.ms} ms at +${s(g.atMs)} (${g.after} → ${g.before})`).join("; ")
      }`,
    );
    for (const j of sample.jobs) {
      const t = (ms: number | null) => (ms === null ? "–" : s(ms));
      console.log(
        `    ${j.episode.padEnd(18)} ${j.state.padEnd(9)} ${j.videos} videos${
          j.unlisted ? ` (+${j.unlisted} made but not the job's)` : ""
        }, ffmpeg ${s(j.ffmpegMs)}, ${j.attempts} attempts; queued ${t(j.waitMs)}, analyse ${
          t(j.analyzeMs)
        }, to render ${t(j.toRenderMs)}, render ${t(j.renderMs)}${
          j.error ? `; ${j.error.split("\n")[0].slice(0, 100)}` : ""
        }`,
      );
    }
    const p = sample.progressLatencyMs;
    console.log(
      `  progress events, worker → subscribed client: ${p.events} received of ${p.published} published`,
    );
    console.log(
      `    latency               p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms, max ${p.max} ms (aim p99 < 100 ms: ${
        p.ok ? "ok" : "OVER"
      })`,
    );
    console.log(
      `    publish → stream      p50 ${p.publishToStream.p50} ms, p99 ${p.publishToStream.p99} ms; stream → client p50 ${p.streamToClient.p50} ms, p99 ${p.streamToClient.p99} ms`,
    );
  }
  for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
}
if (problems.length) Deno.exit(1);
