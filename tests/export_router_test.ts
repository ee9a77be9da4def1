/**
 * `export.anki` through the router: a queue job with progress events, a deck at the end, and a
 * cancel that ends the wait and leaves no file.
 */
import { assert, assertEquals, assertGreater, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import type { AppEvent } from "../shared/schemas.ts";
import { filesUnder, showDaemon, waitFor } from "./helpers/pipeline_fixture.ts";

Deno.test("export.anki runs on the exports queue with progress events; a cancel ends it and leaves no file", async () => {
  await using s = await showDaemon(2);
  const { t, api } = s;
  const { episodes } = s;
  // a batch that only analyses (review: wait), then everything approved by hand
  const { batchId } = await api.batches.create({
    episodeIds: episodes.map((e) => e.id),
    options: { review: "wait" },
  });
  await waitFor("the analyses", async () => {
    const jobs = await api.jobs.list({ batchId });
    return jobs.every((j) => j.state === "waiting-review") ? jobs : undefined;
  });
  // nothing approved yet: a clear refusal
  await assertRejects(() => api.export.anki({ batchId }), Error, "approve");
  const pending = await api.expressions.list({ batchId, status: "pending" });
  await api.expressions.review({ ids: pending.map((e) => e.id), decision: "approve" });

  const controller = new AbortController();
  const seen: AppEvent[] = [];
  const collecting = (async () => {
    for await (
      const { event } of t.daemon.services.events.subscribe({
        types: ["export.progress"],
        signal: controller.signal,
      })
    ) seen.push(event);
  })().catch(() => {});
  const deck = await api.export.anki({ batchId, exportId: "deck-1", options: { paddingAfterMs: 500 } });
  assertStringIncludes(deck.path, join("decks", ""));
  assert(deck.path.endsWith(".apkg"));
  assertEquals(deck.notes, 2);
  assertEquals(deck.cards, 2);
  assertGreater((await Deno.stat(deck.path)).size, 1_000);
  await waitFor("the last progress event", () =>
    Promise.resolve(
      seen.some((e) => e.type === "export.progress" && e.data.exportId === "deck-1" && e.data.percent === 100)
        ? true
        : undefined,
    ), 5_000);
  controller.abort();
  await collecting;

  // the same as TSV; then one cancelled at once: the caller's wait ends, nothing is left
  const tsv = await api.export.anki({ episodeIds: [episodes[0].id], format: "tsv" });
  assert(tsv.path.endsWith(".tsv"));
  const before = await filesUnder(join(t.daemon.services.config.outputDir, "decks"));
  // the worker (one export at a time) is busy with a deck, so the JSON export is still queued
  // when it is cancelled: it must never run, and its caller's wait ends at once
  const busy = api.export.anki({ batchId, exportId: "busy" });
  const started = api.export.anki({ episodeIds: [episodes[1].id], format: "json", exportId: "to-cancel" });
  await api.export.cancel({ exportId: "to-cancel" });
  await assertRejects(() => started, Error, "cancelled");
  await busy;
  await waitFor("no partial file", async () => {
    const files = await filesUnder(join(t.daemon.services.config.outputDir, "decks"));
    return files.some((f) => f.endsWith(".part")) ? undefined : files;
  }, 5_000);
  const after = await filesUnder(join(t.daemon.services.config.outputDir, "decks"));
  assertEquals(after.filter((f) => f.endsWith(".json")), before.filter((f) => f.endsWith(".json")));
});
