import { assertMatch, assertStringIncludes } from "@std/assert";
import { startTestDaemon } from "./helpers/test_daemon.ts";
import { seedRenders } from "./helpers/schedule_fixture.ts";

Deno.test("/metrics reports queues, jobs, renders, LLM use, quota and uploads from the shared database", async () => {
  await using t = await startTestDaemon();
  const db = t.daemon.services.database.db;
  const renders = await seedRenders(db, 3);
  await db.updateTable("renders").set({ render_ms: 12_000 }).where("id", "=", renders[0]).execute();
  await t.caller().schedule.create({ renderId: renders[1] });
  await db.insertInto("llm_calls").values({
    cache_key: "k",
    model: "m",
    prompt_version: "p",
    status: "ok",
    prompt_tokens: 1200,
    output_tokens: 300,
    cost_usd: "0.0012",
  } as never).execute();
  const url = t.daemon.url.replace("ws://", "http://");
  const text = await (await fetch(`${url}/metrics`)).text();
  assertStringIncludes(text, "# TYPE lingoreel_render_duration_seconds histogram");
  assertStringIncludes(text, 'lingoreel_render_duration_seconds_count{kind="short"} 3');
  assertStringIncludes(text, 'lingoreel_render_duration_seconds_bucket{kind="short",le="1"} 2');
  assertStringIncludes(text, 'lingoreel_render_duration_seconds_bucket{kind="short",le="15"} 3');
  assertStringIncludes(text, 'lingoreel_quota_reserved{bucket="videos.insert"} 1');
  assertStringIncludes(text, 'lingoreel_quota_limit{bucket="videos.insert"} 100');
  assertStringIncludes(text, 'lingoreel_schedules{state="scheduled"} 1');
  assertStringIncludes(text, 'lingoreel_llm_calls_total{status="ok"} 1');
  assertStringIncludes(text, 'lingoreel_llm_tokens_total{direction="prompt"} 1200');
  assertStringIncludes(text, "lingoreel_llm_cost_usd_total 0.0012");
  assertStringIncludes(text, 'lingoreel_queue_jobs{queue="render",state="waiting"} 0');
  assertStringIncludes(text, "lingoreel_upload_bytes_total 0");
  assertMatch(text, /lingoreel_event_delivery_lag_seconds \d/);
});
