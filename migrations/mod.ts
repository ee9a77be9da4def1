/**
 * Every migration, in order. Kysely's Migrator applies the ones a database has not seen, at
 * daemon start and from `deno task migrate`. Names sort in the order they must run.
 * @module
 */
import type { Migration } from "kysely/migration";
import * as init from "./0001_init.ts";
import * as library from "./0002_library.ts";
import * as analysis from "./0003_analysis.ts";
import * as renders from "./0004_renders.ts";
import * as jobs from "./0005_jobs.ts";
import * as schedule from "./0006_schedule.ts";
import * as exportStage from "./0007_export_stage.ts";

export const migrations: Record<string, Migration> = {
  "0001_init": init,
  "0002_library": library,
  "0003_analysis": analysis,
  "0004_renders": renders,
  "0005_jobs": jobs,
  "0006_schedule": schedule,
  "0007_export_stage": exportStage,
};
