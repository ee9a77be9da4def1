import { analysisRouter } from "./analysis_router.ts";
import { batchesRouter } from "./batches_router.ts";
import { eventsRouter } from "./events_router.ts";
import { exportRouter } from "./export_router.ts";
import { expressionsRouter } from "./expressions_router.ts";
import { healthRouter } from "./health_router.ts";
import { jobsRouter } from "./jobs_router.ts";
import { libraryRouter } from "./library_router.ts";
import { queueRouter } from "./queue_router.ts";
import { rendersRouter } from "./renders_router.ts";
import { quotaRouter, scheduleRouter } from "./schedule_router.ts";
import { youtubeRouter } from "./youtube_router.ts";
import { settingsRouter } from "./settings_router.ts";
import { router } from "./trpc.ts";

/** The daemon's API; its type is what clients import from `shared/router.ts`. */
export const appRouter = router({
  health: healthRouter,
  events: eventsRouter,
  library: libraryRouter,
  analysis: analysisRouter,
  expressions: expressionsRouter,
  settings: settingsRouter,
  renders: rendersRouter,
  batches: batchesRouter,
  jobs: jobsRouter,
  queue: queueRouter,
  schedule: scheduleRouter,
  quota: quotaRouter,
  youtube: youtubeRouter,
  export: exportRouter,
});

/** The type of {@link appRouter}. */
export type AppRouter = typeof appRouter;
