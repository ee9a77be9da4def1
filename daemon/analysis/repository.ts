/**
 * Analysis data in the database: the reply cache and call records, runs, expressions and
 * groups, and review decisions with their history.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import { sql } from "kysely";
import type { Expression, ExpressionStatus, ExpressionSummary } from "../../shared/analysis.ts";
import type { DB } from "../db/mod.ts";
import type { ExpressionsTable } from "../db/schema.ts";
import { encodeHex } from "@std/encoding/hex";

/** No expression with that id. */
export class ExpressionNotFoundError extends Error {
  constructor(ids: number[]) {
    super(`No expression ${ids.join(", ")}: list them with expressions.list.`);
    this.name = "ExpressionNotFoundError";
  }
}

/** The cache key of a request: everything that shapes the reply. */
export async function cacheKey(parts: {
  model: string;
  promptVersion: string;
  system: string;
  prompt: string;
  schema: unknown;
}): Promise<string> {
  const text = JSON.stringify([parts.model, parts.promptVersion, parts.system, parts.prompt, parts.schema]);
  return encodeHex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
  ) as string;
}

/** A cached successful reply. */
export interface CachedReply {
  id: number;
  text: string;
  promptTokens: number;
  outputTokens: number;
  sample: boolean;
}

/** The newest successful reply stored under `key`. */
export async function findCachedReply(db: Kysely<DB>, key: string): Promise<CachedReply | undefined> {
  const row = await db.selectFrom("llm_calls").select([
    "id",
    "reply_text",
    "prompt_tokens",
    "output_tokens",
    "sample",
  ])
    .where("cache_key", "=", key).where("status", "=", "ok").orderBy("id", "desc").limit(1)
    .executeTakeFirst();
  return row && {
    id: row.id,
    text: row.reply_text ?? "",
    promptTokens: row.prompt_tokens,
    outputTokens: row.output_tokens,
    sample: row.sample,
  };
}

/** Which of `keys` have a cached successful reply. */
export async function cachedKeys(db: Kysely<DB>, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db.selectFrom("llm_calls").select("cache_key").distinct()
    .where("cache_key", "in", keys).where("status", "=", "ok").execute();
  return new Set(rows.map((r) => r.cache_key));
}

/** Records a call (a reply, or an error with whatever tokens it used); returns its id. */
export async function recordCall(
  db: Kysely<DB>,
  call: {
    key: string;
    model: string;
    promptVersion: string;
    status: "ok" | "error";
    text?: string;
    finishReason?: string;
    errorKind?: string;
    errorMessage?: string;
    promptTokens: number;
    outputTokens: number;
    costUsd: number;
    latencyMs: number;
    attempts: number;
    sample?: boolean;
  },
): Promise<number> {
  const { id } = await db.insertInto("llm_calls").values({
    cache_key: call.key,
    model: call.model,
    prompt_version: call.promptVersion,
    status: call.status,
    reply_text: call.text ?? null,
    finish_reason: call.finishReason ?? null,
    error_kind: call.errorKind ?? null,
    error_message: call.errorMessage ?? null,
    prompt_tokens: call.promptTokens,
    output_tokens: call.outputTokens,
    cost_usd: call.costUsd,
    latency_ms: call.latencyMs,
    attempts: call.attempts,
    sample: call.sample ?? false,
  }).returning("id").executeTakeFirstOrThrow();
  return id;
}

/** USD spent on LLM calls since `since` (epoch ms). */
export async function spentSince(db: Kysely<DB>, since: number): Promise<number> {
  const row = await db.selectFrom("llm_calls").select(sql<string>`coalesce(sum(cost_usd), 0)`.as("usd"))
    .where("created_at", ">=", new Date(since)).executeTakeFirstOrThrow();
  return Number(row.usd);
}

interface Details {
  translations: Expression["translations"];
  meaning: string;
  similar: string[];
  example: string;
  keywords: string[];
  sceneType: string;
}

/** A row of `expressions` as clients see it. */
export function toExpression(row: Selectable<ExpressionsTable>): Expression {
  const details = row.details as Details;
  return {
    id: row.id,
    episodeId: row.episode_id,
    runId: row.run_id,
    groupId: row.group_id,
    status: row.status,
    dropReason: row.drop_reason,
    text: row.text,
    line: row.line,
    startMs: row.start_ms,
    endMs: row.end_ms,
    contextStartMs: row.context_start_ms,
    contextEndMs: row.context_end_ms,
    contextLines: row.context_lines as Expression["contextLines"],
    translations: details.translations,
    meaning: details.meaning,
    similar: details.similar,
    example: details.example,
    difficulty: row.difficulty,
    usefulness: row.usefulness,
    keywords: details.keywords,
    sceneType: details.sceneType,
    score: row.score,
    chunkIndex: row.chunk_index,
    model: row.model,
    promptVersion: row.prompt_version,
    sample: row.sample,
    updatedAt: (row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at)).toISOString(),
  };
}

/** Expressions, newest analysis first within an episode, in time order. */
export async function listExpressions(
  db: Kysely<DB>,
  filter: {
    episodeId?: number;
    episodeIds?: number[];
    runIds?: number[];
    status?: ExpressionStatus;
    includeDropped?: boolean;
  },
): Promise<Expression[]> {
  let query = db.selectFrom("expressions").selectAll();
  if (filter.runIds) query = query.where("run_id", "in", filter.runIds.length ? filter.runIds : [-1]);
  if (filter.episodeId !== undefined) query = query.where("episode_id", "=", filter.episodeId);
  if (filter.episodeIds) {
    query = query.where("episode_id", "in", filter.episodeIds.length ? filter.episodeIds : [-1]);
  }
  if (filter.status) query = query.where("status", "=", filter.status);
  else if (!filter.includeDropped) query = query.where("status", "!=", "dropped");
  const rows = await query.orderBy("episode_id").orderBy("start_ms").orderBy("id").execute();
  return rows.map(toExpression);
}

/** What a reviewer may change in an expression. */
export interface ExpressionEdits {
  text?: string;
  meaning?: string;
  example?: string;
  similar?: string[];
  difficulty?: number;
  translations?: Expression["translations"];
}

/**
 * Applies a decision (and, for one expression, edits) in one transaction, recording the state
 * before and after in `expression_edits`.
 */
export async function reviewExpressions(
  db: Kysely<DB>,
  input: { ids: number[]; decision?: "approve" | "reject"; edits?: ExpressionEdits; by: string },
): Promise<Expression[]> {
  return await db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("expressions").selectAll().where("id", "in", input.ids).orderBy("id")
      .forUpdate().execute();
    const missing = input.ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw new ExpressionNotFoundError(missing);
    const out: Expression[] = [];
    for (const row of rows) {
      const before = toExpression(row);
      const details = { ...(row.details as Details) };
      const edits = input.edits ?? {};
      if (edits.meaning !== undefined) details.meaning = edits.meaning;
      if (edits.example !== undefined) details.example = edits.example;
      if (edits.similar !== undefined) details.similar = edits.similar;
      if (edits.translations !== undefined) details.translations = edits.translations;
      const status = input.decision === "approve"
        ? "approved"
        : input.decision === "reject"
        ? "rejected"
        : row.status;
      const updated = await trx.updateTable("expressions").set({
        status,
        drop_reason: status === "dropped" ? row.drop_reason : null,
        text: edits.text ?? row.text,
        difficulty: edits.difficulty ?? row.difficulty,
        details: JSON.stringify(details),
        updated_at: new Date(),
      }).where("id", "=", row.id).returningAll().executeTakeFirstOrThrow();
      const after = toExpression(updated);
      await trx.insertInto("expression_edits").values({
        expression_id: row.id,
        decision: input.decision ?? null,
        before: JSON.stringify(before),
        after: JSON.stringify(after),
        changed_by: input.by,
      }).execute();
      out.push(after);
    }
    return out;
  });
}

/** New expressions of a run, ready to store. */
export interface NewExpression {
  status: "pending" | "dropped";
  dropReason: string | null;
  groupIndex: number | null;
  text: string;
  line: string;
  cueIndex: number;
  startMs: number;
  endMs: number;
  contextStartMs: number;
  contextEndMs: number;
  contextLines: Expression["contextLines"];
  details: Details;
  difficulty: number;
  usefulness: number;
  score: number;
  chunkIndex: number;
  llmCallId: number | null;
  sample: boolean;
}

/**
 * Replaces the episode's unreviewed expressions with a run's, keeping every reviewed one
 * (approved, rejected, edited) and not adding a new one that repeats a reviewed one.
 */
export async function saveRunExpressions(
  trx: Transaction<DB>,
  run: {
    id: number;
    episodeId: number;
    model: string;
    promptVersion: string;
    renderMode: "combined" | "separate";
  },
  groups: { contextStartMs: number; contextEndMs: number }[],
  expressions: NewExpression[],
  normalise: (text: string) => string,
): Promise<void> {
  await trx.deleteFrom("expressions").where("episode_id", "=", run.episodeId)
    .where("status", "in", ["pending", "dropped"]).execute();
  await deleteEmptyGroups(trx, "episode_id", run.episodeId);
  const reviewed = await trx.selectFrom("expressions").select(["normalized", "cue_index"])
    .where("episode_id", "=", run.episodeId).execute();
  const seen = new Set(reviewed.map((r) => `${r.cue_index}:${r.normalized}`));
  const groupIds: number[] = [];
  for (const g of groups) {
    const { id } = await trx.insertInto("expression_groups").values({
      episode_id: run.episodeId,
      run_id: run.id,
      context_start_ms: g.contextStartMs,
      context_end_ms: g.contextEndMs,
      render_mode: run.renderMode,
    }).returning("id").executeTakeFirstOrThrow();
    groupIds.push(id);
  }
  const rows = expressions.filter((e) => !seen.has(`${e.cueIndex}:${normalise(e.text)}`)).map((e) => ({
    episode_id: run.episodeId,
    run_id: run.id,
    group_id: e.groupIndex === null ? null : groupIds[e.groupIndex],
    status: e.status,
    drop_reason: e.dropReason,
    text: e.text,
    normalized: normalise(e.text),
    line: e.line,
    cue_index: e.cueIndex,
    start_ms: e.startMs,
    end_ms: e.endMs,
    context_start_ms: e.contextStartMs,
    context_end_ms: e.contextEndMs,
    context_lines: JSON.stringify(e.contextLines),
    details: JSON.stringify(e.details),
    difficulty: e.difficulty,
    usefulness: e.usefulness,
    score: e.score,
    chunk_index: e.chunkIndex,
    llm_call_id: e.llmCallId,
    model: run.model,
    prompt_version: run.promptVersion,
    sample: e.sample,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await trx.insertInto("expressions").values(rows.slice(i, i + 200)).execute();
  }
  // a group whose every member repeated a reviewed expression is empty: drop it
  await deleteEmptyGroups(trx, "run_id", run.id);
}

/** Removes groups (of an episode, or of a run) that no expression belongs to any more. */
async function deleteEmptyGroups(
  trx: Transaction<DB>,
  column: "episode_id" | "run_id",
  id: number,
): Promise<void> {
  await trx.deleteFrom("expression_groups").where(column, "=", id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("expressions").select("id").whereRef(
            "expressions.group_id",
            "=",
            "expression_groups.id",
          ),
        ),
      )
    ).execute();
}

/** Counts of expressions per episode and state, for episodes that have any. */
export async function summariseExpressions(
  db: Kysely<DB>,
  episodeIds?: number[],
): Promise<ExpressionSummary[]> {
  let query = db.selectFrom("expressions").select((eb) => [
    "episode_id",
    eb.fn.countAll<number>().filterWhere("status", "=", "pending").as("pending"),
    eb.fn.countAll<number>().filterWhere("status", "=", "approved").as("approved"),
    eb.fn.countAll<number>().filterWhere("status", "=", "rejected").as("rejected"),
    eb.fn.countAll<number>().filterWhere("status", "=", "dropped").as("dropped"),
    eb.fn<boolean>("bool_or", ["sample"]).as("sample"),
  ]).groupBy("episode_id").orderBy("episode_id");
  if (episodeIds) query = query.where("episode_id", "in", episodeIds.length ? episodeIds : [-1]);
  const rows = await query.execute();
  return rows.map((r) => ({
    episodeId: r.episode_id,
    pending: Number(r.pending),
    approved: Number(r.approved),
    rejected: Number(r.rejected),
    dropped: Number(r.dropped),
    sample: Boolean(r.sample),
  }));
}
