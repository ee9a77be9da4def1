/**
 * The pipeline's figures for `/metrics`, read at scrape time from PostgreSQL (the record every
 * daemon shares, so any daemon answers for the whole installation) and from the queues.
 */
import { type Kysely, sql } from "kysely";
import { pacificDay } from "../clock.ts";
import type { DB } from "../db/schema.ts";

/** Upper bounds (seconds) of the duration histograms. */
export const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600];

/** A histogram: cumulative counts per upper bound, the sum and the count. */
export interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

/** Everything the pipeline adds to `/metrics`. */
export interface PipelineMetrics {
  queues: { name: string; state: string; jobs: number }[];
  jobDurations: { stage: string; histogram: Histogram }[];
  jobsByState: { state: string; jobs: number }[];
  llm: { status: string; calls: number; promptTokens: number; outputTokens: number; costUsd: number }[];
  renders: { kind: string; histogram: Histogram }[];
  quota: { bucket: string; used: number; reserved: number; limit: number }[];
  uploadedBytes: number;
  schedules: { state: string; count: number }[];
}

function histogram(rows: { le: number; n: number }[], sum: number, count: number): Histogram {
  return { buckets: DURATION_BUCKETS.map((b) => rows.find((r) => r.le === b)?.n ?? 0), sum, count };
}

/** Reads the pipeline's figures. */
export async function collectPipelineMetrics(
  db: Kysely<DB>,
  queueCounts: () => Promise<{ name: string; [state: string]: number | string | boolean }[]>,
  project: string,
  now = Date.now(),
): Promise<PipelineMetrics> {
  const bounds = sql.join(DURATION_BUCKETS.map((b) => sql`(${b}::float8)`));
  const [queues, attempts, jobStates, llm, renders, quota, uploads, schedules] = await Promise.all([
    queueCounts(),
    sql<{ stage: string; le: number; n: number; sum: number; count: number }>`
      with d as (
        select stage, extract(epoch from finished_at - started_at)::float8 as s
        from job_attempts where outcome = 'completed' and finished_at is not null
      )
      select d.stage, b.le, count(*) filter (where d.s <= b.le)::int as n,
        (select coalesce(sum(s), 0) from d d2 where d2.stage = d.stage)::float8 as sum,
        (select count(*) from d d2 where d2.stage = d.stage)::int as count
      from d cross join (values ${bounds}) as b(le) group by d.stage, b.le`.execute(db),
    db.selectFrom("jobs").select(["state"]).select((eb) => eb.fn.countAll<string>().as("n")).groupBy("state")
      .execute(),
    db.selectFrom("llm_calls").select("status")
      .select((eb) => [
        eb.fn.countAll<string>().as("calls"),
        eb.fn.sum<string>("prompt_tokens").as("prompt"),
        eb.fn.sum<string>("output_tokens").as("output"),
        eb.fn.sum<string>("cost_usd").as("cost"),
      ]).where("sample", "=", false).groupBy("status").execute(),
    sql<{ kind: string; le: number; n: number; sum: number; count: number }>`
      select r.kind, b.le, count(*) filter (where r.render_ms / 1000.0 <= b.le)::int as n,
        (select coalesce(sum(render_ms), 0) / 1000.0 from renders r2 where r2.kind = r.kind)::float8 as sum,
        (select count(*) from renders r2 where r2.kind = r.kind)::int as count
      from renders r cross join (values ${bounds}) as b(le) group by r.kind, b.le`.execute(db),
    db.selectFrom("quota_ledger").select(["bucket", "used", "reserved", "limit"]).where(
      "project",
      "=",
      project,
    )
      .where("day", "=", pacificDay(now)).execute(),
    db.selectFrom("schedules").select((eb) => eb.fn.sum<string>("uploaded_bytes").as("bytes"))
      .executeTakeFirst(),
    db.selectFrom("schedules").select("state").select((eb) => eb.fn.countAll<string>().as("n")).groupBy(
      "state",
    )
      .execute(),
  ]);
  const states = ["waiting", "active", "delayed", "completed", "failed"];
  const byKey = <T extends { le: number; n: number; sum: number; count: number }>(
    rows: T[],
    key: (r: T) => string,
  ) => {
    const groups = new Map<string, T[]>();
    for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups.entries()].map(([k, rs]) => ({
      key: k,
      histogram: histogram(rs, rs[0].sum, rs[0].count),
    }));
  };
  return {
    queues: queues.flatMap((q) =>
      states.map((state) => ({ name: String(q.name), state, jobs: Number(q[state] ?? 0) }))
    ),
    jobDurations: byKey(attempts.rows, (r) => r.stage).map((g) => ({ stage: g.key, histogram: g.histogram })),
    jobsByState: jobStates.map((r) => ({ state: r.state, jobs: Number(r.n) })),
    llm: llm.map((r) => ({
      status: r.status,
      calls: Number(r.calls),
      promptTokens: Number(r.prompt ?? 0),
      outputTokens: Number(r.output ?? 0),
      costUsd: Number(r.cost ?? 0),
    })),
    renders: byKey(renders.rows, (r) => r.kind).map((g) => ({ kind: g.key, histogram: g.histogram })),
    quota: quota.map((q) => ({ bucket: q.bucket, used: q.used, reserved: q.reserved, limit: q.limit })),
    uploadedBytes: Number(uploads?.bytes ?? 0),
    schedules: schedules.map((r) => ({ state: r.state, count: Number(r.n) })),
  };
}
