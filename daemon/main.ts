/**
 * The composition root: configuration → data directory → database → Redis → events → health →
 * queues → server → daemon.json, and one ordered shutdown on SIGINT/SIGTERM.
 */
// deno-lint-ignore-file no-console -- the entry point prints start-up errors before logging exists
import { Redis } from "ioredis";
import { hostname } from "node:os";
import { join } from "@std/path";
import { VERSION } from "../shared/version.ts";
import { type Config, ConfigError, loadConfig, secretValues } from "./config.ts";
import { migrateToLatest, openDatabase } from "./db/mod.ts";
import { EventBus } from "./events/mod.ts";
import {
  collectPipelineMetrics,
  databaseCheck,
  ffmpegCheck,
  HealthMonitor,
  llmCheck,
  redisCheck,
  renderMetrics,
  storageCheck,
  youtubeCheck,
} from "./health/mod.ts";
import {
  acquireInstanceLock,
  AlreadyRunningError,
  ensurePrivateDir,
  loadOrCreateToken,
  loadReadOnlyToken,
  removeDaemonFile,
  tightenSecretFiles,
  writeDaemonFile,
} from "./instance/mod.ts";
import { Lifecycle, Stage } from "./lifecycle.ts";
import { FfprobeRunner, LibraryScanner, loadCues, type ScanProgress, watchRoots } from "./library/mod.ts";
import { Analyzer } from "./analysis/mod.ts";
import { GeminiClient } from "./analysis/gemini_client.ts";
import { LlmPool } from "./analysis/llm_pool.ts";
import { systemClock } from "./clock.ts";
import { SettingsStore } from "./settings/mod.ts";
import { createLogger, type Logger } from "./log.ts";
import { CancelChannel, ExportJobs, Pipeline, QueueHub, SHUTDOWN_REASON } from "./queue/mod.ts";
import {
  describeRedisTarget,
  ManagedRedis,
  redisOptions,
  RedisStartError,
  type RedisTarget,
} from "./redis/mod.ts";
import { Scheduler } from "./schedule/mod.ts";
import { Exporter } from "./export/mod.ts";
import { Uploader, YouTubeAuth, YouTubeClient } from "./youtube/mod.ts";
import { FfmpegMissingError, FfmpegProcess, locateFfmpeg, Renderer } from "./render/mod.ts";
import { createContextFactory, type Services, startServer } from "./rpc/mod.ts";

/** A running daemon. */
export interface Daemon {
  readonly url: string;
  readonly services: Services;
  /** The ordered shutdown; resolves to true when every step finished cleanly. */
  shutdown(): Promise<boolean>;
}

/** Starts every component; on a failure halfway, stops what had started and rethrows. */
export async function startDaemon(config: Config, log: Logger): Promise<Daemon> {
  const startedAt = Date.now();
  const lifecycle = new Lifecycle();
  const instanceId = `${hostname()}:${Deno.pid}`;
  try {
    await ensurePrivateDir(config.dataDir, log);
    await tightenSecretFiles(config.dataDir, log);
    await Deno.mkdir(config.outputDir, { recursive: true });
    const lock = await acquireInstanceLock(config.dataDir);
    lifecycle.onShutdown(Stage.lock, "release data directory lock", () => lock[Symbol.asyncDispose]());
    const token = await loadOrCreateToken(config.dataDir, config.token, log);
    const readOnlyToken = await loadReadOnlyToken(config.dataDir, config.readOnlyToken, token, log);
    for (const secret of [token, readOnlyToken, ...secretValues(config)]) log.redact(secret);

    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      log,
      poolSize: config.dbPool,
    });
    lifecycle.onShutdown(Stage.database, "close database", () => database[Symbol.asyncDispose]());
    await migrateToLatest(database.db, log);

    let target: RedisTarget;
    if (config.redisUrl) {
      target = { kind: "url", url: config.redisUrl };
    } else {
      const managed = await ManagedRedis.start({ dataDir: config.dataDir, log });
      lifecycle.onShutdown(Stage.managedRedis, "stop managed redis-server", () => managed.stop());
      target = { kind: "socket", path: managed.socketPath };
    }
    const connection = redisOptions(target);
    const redisDescription = describeRedisTarget(target);

    const events = new EventBus({
      redis: connection,
      source: instanceId,
      log,
      stream: `${config.redisPrefix}:events`,
    });
    lifecycle.onShutdown(Stage.connections, "close event stream", () => events.close());
    const removeSink = log.addSink(events.logSink());
    lifecycle.onShutdown(Stage.connections, "stop publishing logs", removeSink);

    const probe = new Redis({
      ...connection,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectionName: "lingoreel-health",
    });
    probe.on("error", () => {}); // reported by the redis health check
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3_000); // not ready in time: health says down
      probe.once("ready", () => (clearTimeout(timer), resolve()));
    });
    lifecycle.onShutdown(
      Stage.connections,
      "close health probe",
      () => probe.quit().catch(() => probe.disconnect()),
    );

    const locate = () =>
      locateFfmpeg({
        ffmpegPath: config.ffmpegPath,
        ffprobePath: config.ffprobePath,
        pathEnv: config.searchPath,
      });
    await locate().catch((error) => {
      if (!(error instanceof FfmpegMissingError)) throw error;
      log.warn(error.message); // health shows ffmpeg down; everything but rendering works
    });

    const settings = new SettingsStore(database.db);
    if (config.timeZone) {
      const calendar = await settings.get("schedule.calendar");
      await settings.seed(
        "schedule.calendar",
        { ...calendar, timeZone: config.timeZone },
        "environment (TZ)",
      );
    }
    const limits = await settings.get("analysis.pool");
    const pool = new LlmPool({
      client: new GeminiClient({
        apiKey: config.gemini.apiKey,
        baseUrl: config.gemini.baseUrl,
        timeoutMs: 120_000,
      }),
      log: log.child({ component: "llm" }), // the pool logs its own state changes
      concurrency: limits.concurrency,
      rpm: limits.rpm,
      tpm: limits.tpm,
      clock: systemClock,
    });

    const youtubeUrls = {
      apiBaseUrl: config.youtube.apiBaseUrl ?? "https://www.googleapis.com",
      uploadBaseUrl: config.youtube.uploadBaseUrl ?? "https://www.googleapis.com",
    };
    const youtubeAuth = new YouTubeAuth({
      dataDir: config.dataDir,
      clientSecretFile: config.youtube.clientSecretFile,
      tokenBaseUrl: config.youtube.oauthBaseUrl ?? "https://oauth2.googleapis.com",
      clock: systemClock,
      log: log.child({ component: "youtube" }),
      channel: async (token) => {
        const client = new YouTubeClient({ ...youtubeUrls, token: () => Promise.resolve(token) });
        try {
          return await client.channel();
        } finally {
          client.close();
        }
      },
    });
    lifecycle.onShutdown(Stage.background, "close YouTube authorisation listener", () => youtubeAuth.close());

    const health = new HealthMonitor({
      version: VERSION,
      startedAt,
      log,
      checks: {
        db: databaseCheck(
          database.db,
          database.kind === "pglite" ? `embedded PGlite in ${database.location}` : database.location,
        ),
        redis: redisCheck(probe, redisDescription),
        ffmpeg: ffmpegCheck(locate),
        storage: storageCheck({ data: config.dataDir, output: config.outputDir }),
        llm: llmCheck(config.gemini, () => pool.state),
        youtube: youtubeCheck(config.youtube.clientSecretFile, () => youtubeAuth.status()),
      },
      onChange(report) {
        const components = Object.fromEntries(
          Object.entries(report.components).map(([name, c]) => [name, c.status]),
        ) as Record<keyof typeof report.components, typeof report.status>;
        events.publish({ type: "health", data: { status: report.status, components } })
          .catch(() => {/* Redis down: the health report says so */});
      },
    });
    lifecycle.onShutdown(Stage.background, "stop health checks", () => health[Symbol.asyncDispose]());
    await health.check();
    health.start(10_000);

    let lastProgress = { at: 0, phase: "" };
    const scanner = new LibraryScanner({
      db: database.db,
      roots: config.mediaRoots,
      prober: new FfprobeRunner(async () => (await locate()).ffprobe),
      log: log.child({ component: "library" }),
      onProgress(progress: ScanProgress) {
        // at most four a second, but every change of phase
        const now = Date.now();
        if (progress.phase === lastProgress.phase && now - lastProgress.at < 250) return;
        lastProgress = { at: now, phase: progress.phase };
        events.publish({ type: "library.progress", data: progress }).catch(() => {});
      },
      onChanged(change) {
        events.publish({ type: "library.changed", data: change }).catch(() => {});
      },
    });
    if (config.watchLibrary && config.role !== "worker") {
      const watcher = watchRoots({
        roots: scanner.roots,
        rescan: (root) => scanner.scan({ root }),
        log,
      });
      lifecycle.onShutdown(
        Stage.background,
        "stop watching media roots",
        () => watcher[Symbol.asyncDispose](),
      );
    }

    const cacheDir = join(config.dataDir, "cache");
    const ffmpeg = async () => (await locate()).ffmpeg;
    const analysis = new Analyzer({
      db: database.db,
      llm: pool,
      settings,
      clock: systemClock,
      log: log.child({ component: "analysis" }),
      model: config.gemini.model,
      hasKey: Boolean(config.gemini.apiKey),
      cues: (episodeId, language) => loadCues(database.db, { episodeId, language, ffmpeg, cacheDir }),
      onChanged(change) {
        events.publish({ type: "expressions.changed", data: { ...change, cause: "analysis" } }).catch(
          () => {},
        );
      },
    });

    const renderer = new Renderer({
      db: database.db,
      ffmpeg: new FfmpegProcess(ffmpeg),
      ffmpegPath: ffmpeg,
      prober: new FfprobeRunner(async () => (await locate()).ffprobe),
      dataDir: config.dataDir,
      outputDir: config.outputDir,
      log: log.child({ component: "render" }),
      cues: (episodeId, language) => loadCues(database.db, { episodeId, language, ffmpeg, cacheDir }),
      onDone(render) {
        events.publish({
          type: "render.done",
          data: {
            renderId: render.id,
            groupId: render.groupId,
            kind: render.kind,
            path: render.path,
            durationMs: render.durationMs,
          },
        }).catch(() => {});
      },
    });

    await renderer.removeStale();
    const exporter = new Exporter({
      db: database.db,
      ffmpeg: new FfmpegProcess(ffmpeg),
      cues: (episodeId, language) => loadCues(database.db, { episodeId, language, ffmpeg, cacheDir }),
      outputDir: config.outputDir,
      dataDir: config.dataDir,
      log: log.child({ component: "export" }),
    });
    await exporter.removeStale();

    const queues = new QueueHub({
      connection,
      role: config.role,
      log,
      prefix: config.redisPrefix,
      lockMs: config.queueLockMs,
    });
    lifecycle.onShutdown(
      Stage.workers,
      "close workers",
      () => queues.closeWorkers(config.shutdownGraceMs, SHUTDOWN_REASON),
    );
    lifecycle.onShutdown(Stage.queues, "close queues", () => queues.closeQueues());
    const cancels = new CancelChannel({ connection, prefix: config.redisPrefix, log });
    lifecycle.onShutdown(Stage.connections, "close cancel channel", () => cancels.close());

    // the uploader (made below, with the scheduler) re-times its jobs when the calendar changes
    const late: { uploader?: Uploader } = {};
    const scheduler = new Scheduler({
      db: database.db,
      settings,
      clock: systemClock,
      onChanged({ scheduleIds, quotaDays }) {
        events.publish({ type: "schedule.changed", data: { scheduleIds } }).catch(() => {});
        events.publish({ type: "quota.changed", data: { days: quotaDays } }).catch(() => {});
        late.uploader?.sync(scheduleIds).catch((error) => log.warn("cannot queue uploads", { error }));
      },
    });
    const pipeline = new Pipeline({
      db: database.db,
      queues,
      cancels,
      work: {
        analyze: (episodeId, options, hooks) => analysis.run(episodeId, options, hooks),
        renderGroup: (groupId, options, hooks) => renderer.renderGroup(groupId, options, hooks),
        schedule: (renderId) => scheduler.create(renderId),
        export: (request, hooks) => exporter.export(request, hooks),
        llmAvailableAt() {
          const state = pool.state;
          return state.kind === "open" || state.kind === "paused" ? state.until : undefined;
        },
      },
      publish: (event) => events.publish(event),
      log,
      worker: instanceId,
      retries: await settings.get("queue.retries"),
    });
    if (queues.runsWorkers) pipeline.startWorkers(await settings.get("queue.concurrency"));
    lifecycle.onShutdown(Stage.queues, "settle batches", () => pipeline.close());
    const exports = new ExportJobs({
      queues,
      connection,
      prefix: config.redisPrefix,
      cancels,
      export: (request, hooks) => exporter.export(request, hooks),
      publish: (event) => events.publish(event),
      log: log.child({ component: "export" }),
    });
    if (queues.runsWorkers) exports.start();
    lifecycle.onShutdown(Stage.queues, "close export events", () => exports.close());

    const youtube = new YouTubeClient({ ...youtubeUrls, token: (force) => youtubeAuth.token(force) });
    lifecycle.onShutdown(Stage.connections, "close YouTube client", () => youtube.close());
    const uploader = late.uploader = new Uploader({
      db: database.db,
      queues,
      scheduler,
      youtube,
      settings,
      prober: new FfprobeRunner(async () => (await locate()).ffprobe),
      clock: systemClock,
      log,
      ffmpeg,
      async blocked() {
        const status = await youtubeAuth.status();
        return status.connected ? undefined : status.warnings.join(" ") || "YouTube is not authorised";
      },
      onProgress(scheduleId) {
        events.publish({ type: "schedule.changed", data: { scheduleIds: [scheduleId] } }).catch(() => {});
      },
    });
    if (queues.runsWorkers) uploader.start();

    const services: Services = {
      config,
      log,
      database,
      events,
      health,
      library: { scanner, cacheDir, ffmpeg },
      analysis,
      renderer,
      pipeline,
      exports,
      scheduler,
      youtube: { auth: youtubeAuth },
      settings,
      version: VERSION,
      instanceId,
    };
    const server = await startServer({
      host: config.host,
      port: config.port,
      api: config.role !== "worker",
      createContext: createContextFactory(services, token, { readOnlyToken }),
      health: () => health.recent(2_000),
      metrics: async () => {
        const memory = Deno.memoryUsage();
        return renderMetrics({
          report: await health.recent(5_000),
          version: VERSION,
          role: config.role,
          wsClients: server.clientCount(),
          eventSubscribers: events.subscriberCount,
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          eventLagMs: events.deliveryLagMs,
          pipeline: await collectPipelineMetrics(
            database.db,
            () => pipeline.stats(),
            await settings.get("quota.project"),
          ).catch((error) => {
            log.warn("cannot read the pipeline's metrics", { error });
            return undefined;
          }),
        });
      },
      log,
    });
    lifecycle.onShutdown(Stage.intake, "stop accepting connections", () => server.stopAccepting());
    lifecycle.onShutdown(Stage.notifyClients, "ask clients to reconnect", () => server.notifyReconnect());
    lifecycle.onShutdown(Stage.connections, "close client connections", () => server.close());

    await writeDaemonFile(config.dataDir, { url: server.url, pid: Deno.pid, version: VERSION });
    lifecycle.onShutdown(Stage.daemonFile, "remove daemon.json", () => removeDaemonFile(config.dataDir));

    log.info("lingoreel daemon ready", {
      url: server.url,
      role: config.role,
      version: VERSION,
      database: database.kind,
      redis: redisDescription,
      status: health.latest?.status,
      startMs: Date.now() - startedAt,
    });
    return { url: server.url, services, shutdown: () => lifecycle.shutdown(log) };
  } catch (error) {
    await lifecycle.shutdown(log);
    throw error;
  }
}

const EXPECTED_START_ERRORS = [ConfigError, AlreadyRunningError, RedisStartError];

if (import.meta.main) {
  let config: Config;
  try {
    config = await loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`lingoreel: ${error.message}`);
    Deno.exit(2);
  }
  const log = createLogger({ level: config.logLevel, base: { service: "lingoreel" } });
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config, log);
  } catch (error) {
    const expected = EXPECTED_START_ERRORS.some((kind) => error instanceof kind);
    log.error(`cannot start: ${(error as Error).message}`, expected ? {} : { error });
    Deno.exit(1);
  }
  let stopping = false;
  const stop = async (signal: Deno.Signal) => {
    if (stopping) {
      log.warn("second signal: exiting now", { signal });
      Deno.exit(1);
    }
    stopping = true;
    const started = performance.now();
    log.info("shutting down", { signal });
    const clean = await daemon.shutdown();
    log.info("stopped", { clean, ms: Math.round(performance.now() - started) });
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
}
