/**
 * A storm of Gemini errors under a batch: 429s with RetryInfo and 500s long enough to open the
 * LLM pool's circuit breaker. The analysis honours Google's retryDelay, waits for the breaker
 * instead of using up the job's runs, and completes once the storm is over.
 */
import { assert, assertEquals } from "@std/assert";
import { showDaemon, waitFor } from "./helpers/pipeline_fixture.ts";

Deno.test("a Gemini storm of 429s and 500s: the batch backs off as Google asks, waits out the open breaker, and completes after the storm", async () => {
  await using s = await showDaemon(1);
  const { t, api, gemini, episodes } = s;
  gemini.script(
    { kind: "rate_limited", retryDelay: "1s" },
    { kind: "rate_limited", retryDelay: "1s" },
    { kind: "server_error", status: 500 },
    { kind: "server_error", status: 500 },
    { kind: "server_error", status: 500 }, // the pool gives up: the stage's first run failed
    { kind: "server_error", status: 503 },
    { kind: "server_error", status: 500 }, // five failures in a row: the breaker opens
  );
  const { jobIds: [jobId] } = await api.batches.create({
    episodeIds: [episodes[0].id],
    options: { render: { preset: "ultrafast", kinds: ["short"] } },
  });
  const job = await waitFor("the job to end", async () => {
    const j = await api.jobs.get({ id: jobId });
    return j.state === "completed" || j.state === "failed" ? j : undefined;
  }, 120_000);
  assertEquals(job.state, "completed", job.error ?? "");
  assertEquals(job.renderIds.length, 1);

  // Google's retryDelay was honoured: nothing was sent within a second of a 429
  const at = gemini.requests.map((r) => r.receivedAt);
  assert(at[1] - at[0] >= 1_000, `${at[1] - at[0]} ms after the first 429`);
  assert(at[2] - at[1] >= 1_000, `${at[2] - at[1]} ms after the second 429`);
  // one trial call after the breaker's cool-down, and it succeeded: 8 calls in all
  assertEquals(gemini.requests.length, 8);

  const attempts = await t.daemon.services.database.db.selectFrom("job_attempts")
    .select(["stage", "outcome"]).where("job_id", "=", jobId).orderBy("id").execute();
  assertEquals(attempts.map((a) => `${a.stage}:${a.outcome}`), [
    "analyze:retrying",
    "analyze:retrying",
    "analyze:completed",
    "render:completed",
  ]);
  const lines = await api.jobs.logs({ id: jobId });
  assert(
    lines.some((l) => l.message.includes("waits until") && l.message.includes("for Gemini")),
    "the open breaker was waited out, not counted as a failed run",
  );
});
