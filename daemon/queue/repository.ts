/**
 * Batches and jobs in PostgreSQL: the record that outlives Redis' retention, and the state
 * clients read. BullMQ only carries `{ jobId, generation }`; everything else is here.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import {
  type Batch,
  type BatchOptions,
  batchOptionsSchema,
  FINISHED_JOB_STATES,
  type Job,
  JOB_STATES,
  type JobLogLine,
  type JobState,
} from "../../shared/jobs.ts";
import type { DB, JobsTable } from "../db/schema.ts";

/** A job or batch id that does not exist. */
export class JobNotFoundError extends Error {
  constructor(what: "job" | "batch", ids: number[]) {
    super(
      `No ${what} with id ${ids.join(", ")}: list them with ${what === "job" ? "jobs" : "batches"}.list.`,
    );
    this.name = "JobNotFoundError";
  }
}

/** The job is in a state that does not allow what was asked (e.g. retrying a running job). */
export class JobStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobStateError";
  }
}

type JobRow = Selectable<JobsTable> & { label: string };

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function label(
  row: { show: string; season: number | null; episode: number | null; rel_path: string },
): string {
  if (row.episode === null) return row.show || row.rel_path;
  const code = `S${String(row.season ?? 0).padStart(2, "0")}E${String(row.episode).padStart(2, "0")}`;
  return `${row.show} ${code}`;
}

/** A job row as clients see it. */
export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    batchId: row.batch_id,
    episodeId: row.episode_id,
    label: row.label,
    state: row.state,
    stage: row.stage,
    percent: Math.round(row.percent * 10) / 10,
    stagePercent: Math.round(row.stage_percent * 10) / 10,
    etaMs: row.eta_ms,
    attempts: row.attempts,
    error: row.error,
    runId: row.run_id,
    renderIds: row.render_ids,
    exportPath: row.export_path,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** Jobs with what their episode's label needs. */
function selectJobs(db: Kysely<DB>) {
  return db.selectFrom("jobs").innerJoin("episodes", "episodes.id", "jobs.episode_id")
    .selectAll("jobs")
    .select(["episodes.show", "episodes.season", "episodes.episode", "episodes.rel_path"]);
}

/** One job; throws {@link JobNotFoundError}. */
export async function getJob(db: Kysely<DB>, id: number): Promise<Job> {
  const row = await selectJobs(db).where("jobs.id", "=", id).executeTakeFirst();
  if (!row) throw new JobNotFoundError("job", [id]);
  return toJob({ ...row, label: label(row) });
}

/** Jobs, newest first. */
export async function listJobs(
  db: Kysely<DB>,
  filter: { batchId?: number; state?: JobState; ids?: number[]; limit?: number } = {},
): Promise<Job[]> {
  let query = selectJobs(db);
  if (filter.batchId !== undefined) query = query.where("jobs.batch_id", "=", filter.batchId);
  if (filter.state) query = query.where("jobs.state", "=", filter.state);
  if (filter.ids) query = query.where("jobs.id", "in", filter.ids.length ? filter.ids : [-1]);
  const rows = await query.orderBy("jobs.id", "desc").limit(filter.limit ?? 500).execute();
  return rows.map((row) => toJob({ ...row, label: label(row) }));
}

/** The state a batch is in, from its jobs' counts. */
export function batchState(counts: Record<JobState, number>): Batch["state"] {
  if (counts.waiting + counts.active > 0) return "active";
  if (counts["waiting-review"] > 0) return "waiting-review";
  if (counts.failed > 0) return "failed";
  if (counts.completed > 0) return "completed";
  return "cancelled";
}

/** Batches (newest first) with their jobs' counts and mean progress. */
export async function listBatches(db: Kysely<DB>, filter: { ids?: number[]; limit?: number } = {}): Promise<
  Batch[]
> {
  let query = db.selectFrom("batches").selectAll();
  if (filter.ids) query = query.where("id", "in", filter.ids.length ? filter.ids : [-1]);
  const batches = await query.orderBy("id", "desc").limit(filter.limit ?? 100).execute();
  if (!batches.length) return [];
  const stats = await db.selectFrom("jobs")
    .select(["batch_id", "state"])
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.sum<number>("percent").as("percent")])
    .where("batch_id", "in", batches.map((b) => b.id))
    .groupBy(["batch_id", "state"]).execute();
  return batches.map((b) => {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    let percent = 0;
    for (const s of stats.filter((x) => x.batch_id === b.id)) {
      counts[s.state] = Number(s.n);
      // a cancelled or failed job counts as done for the batch's progress bar
      percent += FINISHED_JOB_STATES.includes(s.state) ? 100 * Number(s.n) : Number(s.percent);
    }
    const total = Object.values(counts).reduce((a, c) => a + c, 0);
    return {
      id: b.id,
      state: batchState(counts),
      options: batchOptionsSchema.parse(b.options),
      priority: b.priority,
      counts,
      percent: total ? Math.round((percent / total) * 10) / 10 : 0,
      total,
      createdAt: iso(b.created_at)!,
      finishedAt: iso(b.finished_at),
    };
  });
}

/** One batch; throws {@link JobNotFoundError}. */
export async function getBatch(db: Kysely<DB>, id: number): Promise<Batch> {
  const [batch] = await listBatches(db, { ids: [id] });
  if (!batch) throw new JobNotFoundError("batch", [id]);
  return batch;
}

/** Inserts a batch and one waiting job per episode. */
export async function insertBatch(
  db: Kysely<DB>,
  episodeIds: number[],
  options: BatchOptions,
  priority: number,
): Promise<{ batchId: number; jobIds: number[] }> {
  return await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom("episodes").select("id").where("id", "in", episodeIds).execute();
    const missing = episodeIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) {
      throw new JobStateError(
        `Episode ${
          missing.join(", ")
        } does not exist: list episodes with library.list (a rescan may have removed it).`,
      );
    }
    const { id: batchId } = await trx.insertInto("batches")
      .values({ options: JSON.stringify(options), priority }).returning("id").executeTakeFirstOrThrow();
    const jobs = await trx.insertInto("jobs")
      .values(
        episodeIds.map((episode_id) => ({
          batch_id: batchId,
          episode_id,
          state: "waiting",
          stage: "analyze",
        })),
      )
      .returning("id").execute();
    return { batchId, jobIds: jobs.map((j) => j.id) };
  });
}

/** The options of a job's batch. */
export async function jobContext(
  db: Kysely<DB>,
  jobId: number,
): Promise<Selectable<JobsTable> & { options: BatchOptions; priority: number }> {
  const row = await db.selectFrom("jobs").innerJoin("batches", "batches.id", "jobs.batch_id")
    .selectAll("jobs").select(["batches.options", "batches.priority"])
    .where("jobs.id", "=", jobId).executeTakeFirst();
  if (!row) throw new JobNotFoundError("job", [jobId]);
  return { ...row, options: batchOptionsSchema.parse(row.options) };
}

/** Marks a batch finished when none of its jobs is waiting or running any more (else clears it). */
export async function settleBatch(db: Kysely<DB>, batchId: number): Promise<void> {
  await db.updateTable("batches").set({
    finished_at: sql`case when exists (select 1 from jobs where batch_id = ${batchId}
      and state in ('waiting', 'active', 'waiting-review')) then null else coalesce(finished_at, now()) end`,
  }).where("id", "=", batchId).execute();
}

/**
 * Marks finished every unfinished batch none of whose jobs is waiting or running any more, and
 * returns their ids: the sweep that catches a batch whose own settling was lost (its daemon
 * killed between a job's end and the batch's update).
 */
export async function settleFinishedBatches(db: Kysely<DB>): Promise<number[]> {
  const rows = await db.updateTable("batches").set({ finished_at: sql`now()` })
    .where("finished_at", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(
        selectFrom("jobs").select("jobs.id").whereRef("jobs.batch_id", "=", "batches.id")
          .where("jobs.state", "in", ["waiting", "active", "waiting-review"]),
      ))
    )
    .returning("id").execute();
  return rows.map((r) => r.id);
}

/** Appends a line to a job's own log. */
export async function appendJobLog(
  db: Kysely<DB>,
  jobId: number,
  line: { level: JobLogLine["level"]; message: string; fields?: Record<string, unknown> },
): Promise<void> {
  await db.insertInto("job_logs").values({
    job_id: jobId,
    level: line.level,
    message: line.message,
    fields: line.fields ? JSON.stringify(line.fields) : null,
  }).execute();
}

/** A job's own log lines, oldest first. */
export async function jobLogs(
  db: Kysely<DB>,
  jobId: number,
  options: { afterId?: number; limit?: number; tail?: boolean } = {},
): Promise<JobLogLine[]> {
  await getJob(db, jobId);
  const query = db.selectFrom("job_logs").selectAll().where("job_id", "=", jobId)
    .where("id", ">", String(options.afterId ?? 0));
  // the last `limit` lines (still oldest first), or the first `limit` after `afterId`
  const rows = options.tail
    ? (await query.orderBy("id", "desc").limit(options.limit ?? 500).execute()).reverse()
    : await query.orderBy("id").limit(options.limit ?? 500).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    level: r.level,
    message: r.message,
    fields: (r.fields as Record<string, unknown> | null) ?? null,
  }));
}
