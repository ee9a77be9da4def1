/**
 * The Jobs screen rendered with ink-testing-library and a fake client: batches with progress
 * bars and counts, the jobs of the batch under the cursor with stage, percentages, time left,
 * runs and a colour per state, live updates from `job.progress`, `job.state` and `batch.state`
 * (without a reload per event), the log of the job under the cursor followed while it runs, and
 * the keys that cancel, retry, and pause or resume the queues.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { AppEvent } from "../shared/schemas.ts";
import { LOG_POLL_MS } from "../tui/hooks/use_job_logs.ts";
import { batchCountsText, etaText } from "../tui/job_text.ts";
import { JobsView } from "../tui/jobs_view.ts";
import { plainTheme } from "../tui/theme.ts";
import {
  batchOf,
  colourCodes,
  FakeClient,
  forceColours,
  jobOf,
  joined,
  KEYS,
  mount,
  plain,
  press,
  type Rendered,
  resize,
  waitForFrame,
} from "./helpers/tui.tsx";

const { ENTER, ESC, DOWN } = KEYS;

/**
 * Two batches: the newest (2) with a job in each state, its first one rendering; the older (1)
 * completed. Job 4, the active one, has two log lines.
 */
function jobsClient(): FakeClient {
  const fake = new FakeClient();
  fake.batches = [
    {
      id: 2,
      options: {
        review: "wait",
        render: { kinds: ["short", "long"] },
        analysis: { targetLanguages: ["es", "fr"] },
      },
      createdAt: "2026-11-21T11:00:00.000Z",
    },
    { id: 1 },
  ];
  fake.jobs = [
    jobOf({ id: 1, batchId: 1, episodeId: 1, state: "completed", stage: "done", percent: 100, attempts: 1 }),
    jobOf({
      id: 4,
      batchId: 2,
      episodeId: 2,
      state: "active",
      stage: "render",
      percent: 58,
      stagePercent: 40,
      etaMs: 65_000,
      attempts: 1,
    }),
    jobOf({
      id: 5,
      batchId: 2,
      episodeId: 3,
      state: "failed",
      stage: "analyze",
      percent: 10,
      stagePercent: 33,
      attempts: 3,
      error: "Gemini refused the request: API key not valid. Set GEMINI_API_KEY and retry.",
    }),
    jobOf({
      id: 6,
      batchId: 2,
      episodeId: 4,
      state: "waiting-review",
      stage: "review",
      percent: 30,
      attempts: 1,
    }),
    jobOf({ id: 7, batchId: 2, episodeId: 5 }),
    jobOf({ id: 8, batchId: 2, episodeId: 6, state: "completed", stage: "done", percent: 100, attempts: 1 }),
    jobOf({ id: 9, batchId: 2, episodeId: 7, state: "cancelled", error: "cancelled by user", attempts: 1 }),
  ];
  fake.jobLogs.set(4, [
    {
      id: 1,
      at: "2026-11-21T10:00:01.000Z",
      level: "info",
      message: "analysis started",
      fields: { chunks: 3 },
    },
    { id: 2, at: "2026-11-21T10:00:05.000Z", level: "warn", message: "chunk 2 retried", fields: null },
  ]);
  return fake;
}

/** Shows the Jobs screen of `fake` at `columns`x`rows` and waits for `text`. */
async function openJobs(
  fake: FakeClient,
  text = "Sample Show S01E02",
  columns = 120,
  rows = 36,
): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "jobs" }));
  resize(app, columns, rows);
  await waitForFrame(app, (f) => f.includes(text), `the jobs screen showing "${text}"`);
  return app;
}

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The frame's line that contains `text`. */
const lineOf = (frame: string, text: string): string =>
  plain(frame).split("\n").find((l) => l.includes(text)) ?? "";
/** The footer: the frame's last line. */
const footerOf = (frame: string): string => plain(frame).trimEnd().split("\n").at(-1) ?? "";

const event = <T extends AppEvent["type"]>(type: T, data: Extract<AppEvent, { type: T }>["data"]): AppEvent =>
  ({ type, at: new Date().toISOString(), source: "test:1", data }) as AppEvent;

Deno.test("the jobs screen lists batches newest first with a bar, state and counts, and the jobs of the batch under the cursor", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake, "chunk 2 retried");
  const frame = frameOf(app);

  assertStringIncludes(frame, "Batches — 2 batches · ▶ queues running");
  const newest = lineOf(frame, "#2 ");
  // (58 + 30 + 0) for the unfinished jobs, 100 for each finished one (failed and cancelled too), over 6.
  assertMatch(
    newest,
    /› #2\s+█{8}░{4}\s+65% ▶ active\s+1\/6 done · 1 active · 1 waiting · 1 to review/,
  );
  assertMatch(lineOf(frame, "#1 "), /#1\s+█{12}\s+100% ✓ completed\s+1\/1 done/);
  assert(frame.indexOf(newest) < frame.indexOf(lineOf(frame, "#1 ")), "not newest first");
  assertStringIncludes(frame, "Batch 2 — review wait · short, long · es, fr");

  assertMatch(lineOf(frame, "S01E02"), /Sample Show S01E02\s+render\s+40%\s+58%\s+1m 05s\s+×1 ▶ active/);
  assertMatch(
    lineOf(frame, "S01E03"),
    /Sample Show S01E03\s+analyze\s+33%\s+10%\s+×3 ✗ failed\s+Gemini refused the request/,
  );
  assertMatch(lineOf(frame, "S01E04"), /S01E04\s+review\s+0%\s+30%\s+×1 ◇ waiting-review/);
  assertMatch(lineOf(frame, "S01E05"), /S01E05\s+analyze\s+0%\s+0%\s+×0 · waiting/);
  assertMatch(lineOf(frame, "S01E06"), /S01E06\s+done\s+100%\s+×1 ✓ completed/);
  assertMatch(lineOf(frame, "S01E07"), /S01E07\s+analyze\s+0%\s+0%\s+×1 – cancelled/);

  // The log of the job under the cursor (the first of the batch).
  assertStringIncludes(frame, "Log — Sample Show S01E02 (job 4) · live");
  assertMatch(frame, /10:00:01 info\s+analysis started chunks=3/);
  assertMatch(frame, /10:00:05 warn\s+chunk 2 retried/);
  assertEquals(fake.batchGetCalls, [2]);

  // The older batch's jobs once the cursor is on it.
  await press(app, "j");
  await waitForFrame(
    app,
    (f) => f.includes("Batch 1 —") && f.includes("Sample Show S01E01"),
    "batch 1's jobs",
  );
  assertFalse(frameOf(app).includes("S01E02"), "batch 2's jobs are still shown");
});

Deno.test("each state has its colour: waiting grey, active cyan, waiting-review yellow, completed green, failed red, cancelled dim", async () => {
  using _colours = forceColours();
  const fake = jobsClient();
  using app = await openJobs(fake);
  const frame = app.lastFrame() ?? "";
  /** The SGR codes in force right before `word` on the job row that shows it (the last three set). */
  const codesBefore = (word: string): string[] => {
    const line = frame.split("\n").find((l) => plain(l).includes(word) && plain(l).includes("×")) ?? "";
    const at = line.indexOf(word);
    assert(at >= 0, `no row shows ${word}`);
    // deno-lint-ignore no-control-regex -- escape sequences are what this looks for
    return [...line.slice(0, at).matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1].split(";")).slice(-3);
  };
  const expected: [string, string][] = [
    ["· waiting", "90"],
    ["▶ active", "36"],
    ["◇ waiting-review", "33"],
    ["✓ completed", "32"],
    ["✗ failed", "31"],
    ["– cancelled", "2"],
  ];
  for (const [word, code] of expected) {
    const codes = codesBefore(word);
    assert(codes.includes(code), `${word}: ${codes.join(",")} has no ${code}`);
    if (code !== "2") assertFalse(codes.includes("2"), `${word} is dim`);
  }
});

Deno.test("job.progress updates the job's row and its batch's bar in place, without a reload", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  const gets = fake.batchGetCalls.length;
  const lists = fake.batchListCalls;

  fake.emit(event("job.progress", {
    jobId: 4,
    batchId: 2,
    episodeId: 2,
    stage: "render",
    stagePercent: 90,
    percent: 93,
    etaMs: 12_000,
  }));
  const frame = await waitForFrame(app, (f) => lineOf(f, "S01E02").includes("93%"), "the row at 93%");
  assertMatch(lineOf(frame, "S01E02"), /render\s+90%\s+93%\s+12s\s+×1 ▶ active/);
  // (93 + 30 + 0 + 3 × 100) / 6: the finished ones (failed and cancelled too) count as done.
  assertMatch(lineOf(frame, "#2 "), /█{8}░{4}\s+71%/);
  assertEquals(fake.batchGetCalls.length, gets, "batches.get was called for a progress event");
  assertEquals(fake.batchListCalls, lists, "batches.list was called for a progress event");
});

Deno.test("a burst of job.state events patches the rows at once and reloads the batch's jobs a few times, not once each", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  const gets = fake.batchGetCalls.length;

  fake.jobs = fake.jobs.map((job) => job.id === 7 ? { ...job, state: "active", attempts: 1 } : job);
  for (let i = 0; i < 20; i++) {
    fake.emit(
      event("job.state", {
        jobId: 7,
        batchId: 2,
        episodeId: 5,
        state: "active",
        stage: "analyze",
        error: null,
      }),
    );
  }
  const frame = await waitForFrame(
    app,
    (f) => /S01E05.*×1 ▶ active/.test(plain(f)),
    "job 7 active with its run",
  );
  assertMatch(lineOf(frame, "S01E05"), /▶ active/);
  await new Promise((resolve) => setTimeout(resolve, 700));
  const reloads = fake.batchGetCalls.length - gets;
  assert(reloads >= 1 && reloads <= 2, `${reloads} reloads for 20 events`);

  // A batch.state for a listed batch updates its row; one that is not listed reloads the list.
  fake.emit(event("batch.state", {
    batchId: 1,
    state: "failed",
    percent: 100,
    counts: { waiting: 0, active: 0, "waiting-review": 0, completed: 0, failed: 1, cancelled: 0 },
  }));
  await waitForFrame(app, (f) => /#1\s.*✗ failed\s+0\/1 done · 1 failed/.test(plain(f)), "batch 1 failed");
  const lists = fake.batchListCalls;
  fake.batches.unshift({ id: 3 });
  fake.jobs.push(jobOf({ id: 10, batchId: 3, episodeId: 8 }));
  fake.emit(event("batch.state", {
    batchId: 3,
    state: "active",
    percent: 0,
    counts: { waiting: 1, active: 0, "waiting-review": 0, completed: 0, failed: 0, cancelled: 0 },
  }));
  await waitForFrame(app, (f) => f.includes("#3 "), "the new batch listed");
  assertEquals(fake.batchListCalls, lists + 1);
});

Deno.test("c cancels the job under the cursor and r retries it; the daemon's CONFLICT is shown, not thrown", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  await press(app, "c");
  assertEquals(fake.actionCalls, [], "c acted on the batches pane");

  await press(app, ENTER, "c");
  await waitForFrame(app, (f) => f.includes("Cancelled job 4 (Sample Show S01E02)"), "the cancel's message");
  assertEquals(fake.actionCalls, ["jobs.cancel 4"]);
  await waitForFrame(app, (f) => /S01E02.*– cancelled/.test(plain(f)), "job 4 cancelled");

  await press(app, "c");
  const refused = await waitForFrame(app, (f) => f.includes("CONFLICT"), "the refusal");
  assertStringIncludes(
    joined(refused),
    "✗ Could not cancel job 4 (Sample Show S01E02): CONFLICT: Job 4 is already cancelled; only waiting or running " +
      "jobs can be cancelled.",
  );

  await press(app, "j", "r");
  await waitForFrame(app, (f) => f.includes("Retrying job 5 (Sample Show S01E03)"), "the retry's message");
  assertEquals(fake.actionCalls.at(-1), "jobs.retry 5");
  await waitForFrame(app, (f) => /S01E03.*· waiting/.test(plain(f)), "job 5 waiting again");

  // Esc gives the keys back to the batches: c does nothing there.
  await press(app, ESC, "c");
  assertEquals(fake.actionCalls.length, 3);
});

Deno.test("C cancels the batch under the cursor, R retries its failed jobs", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  await press(app, "R");
  await waitForFrame(app, (f) => f.includes("Retrying 1 failed job of batch 2"), "the retry's message");
  assertEquals(fake.actionCalls, ["batches.retryFailed 2"]);
  await waitForFrame(app, (f) => /S01E03.*· waiting/.test(plain(f)), "the failed job waiting again");

  await press(app, "C");
  await waitForFrame(app, (f) => f.includes("Cancelled batch 2"), "the cancel's message");
  assertEquals(fake.actionCalls.at(-1), "batches.cancel 2");
  await waitForFrame(app, (f) => /S01E02.*– cancelled/.test(plain(f)), "the active job cancelled");

  await press(app, "j", "R");
  await waitForFrame(app, (f) => f.includes("Batch 1 has no failed job to retry"), "nothing to retry");
  assertEquals(fake.actionCalls.length, 2);
});

Deno.test("p pauses the queues and says so, p again resumes them", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  await waitForFrame(app, (f) => footerOf(f).includes("p pause queues"), "the pause key");
  await press(app, "p");
  const paused = await waitForFrame(app, (f) => f.includes("‖ queues paused"), "the paused queues");
  assertStringIncludes(plain(paused), "‖ Queues paused: running jobs finish, nothing new starts (p resumes)");
  assertEquals(fake.actionCalls, ["queue.pause"]);
  assert(fake.queueStats.every((queue) => queue.paused));
  await waitForFrame(app, (f) => footerOf(f).includes("p resume queues"), "the resume key");

  await press(app, "p");
  await waitForFrame(app, (f) => f.includes("▶ queues running"), "the queues running again");
  assertEquals(fake.actionCalls, ["queue.pause", "queue.resume"]);
});

Deno.test("the log of a running job follows it: new lines arrive by afterId; a failed job shows its error above its log", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  await waitForFrame(app, (f) => f.includes("chunk 2 retried"), "the first lines");
  assertEquals(fake.logCalls[0], { id: 4, afterId: undefined, limit: 500 });

  fake.jobLogs.get(4)?.push({
    id: 3,
    at: "2026-11-21T10:00:09.000Z",
    level: "error",
    message: "ffmpeg exited with 1",
    fields: { code: 1 },
  });
  await waitForFrame(
    app,
    (f) => /10:00:09 error ffmpeg exited with 1 code=1/.test(plain(f)),
    "the new line",
    3 * LOG_POLL_MS,
  );
  assert(fake.logCalls.some((call) => call.id === 4 && call.afterId === 2), JSON.stringify(fake.logCalls));

  await press(app, ENTER, "j");
  await waitForFrame(app, (f) => f.includes("(job 5)"), "the failed job's log");
  const failed = frameOf(app);
  assertStringIncludes(
    failed,
    "✗ Gemini refused the request: API key not valid. Set GEMINI_API_KEY and retry.",
  );
  assertStringIncludes(failed, "No log lines yet.");
  assertFalse(lineOf(failed, "Log —").includes("live"), "a failed job's log is marked live");
});

Deno.test("with no batches the jobs screen says how to start one", async () => {
  const fake = new FakeClient();
  using app = await openJobs(fake, "No batches yet.", 100, 24);
  const frame = frameOf(app);
  assertStringIncludes(frame, "Batches — 0 batches");
  assertStringIncludes(frame, "select episodes on the Library screen (2), press b");
});

Deno.test("the footer and help list the jobs keys of the pane that has them", async () => {
  using app = await openJobs(jobsClient());
  let frame = await waitForFrame(
    app,
    (f) => footerOf(f).includes("Enter / → the batch's jobs"),
    "the footer",
  );
  assertMatch(
    footerOf(frame),
    /^Enter \/ → the batch's jobs\s+p pause queues\s+C cancel batch\s+R retry failed/,
  );
  await press(app, "?");
  let help = plain(await waitForFrame(app, (f) => f.includes("Jobs screen"), "the help"));
  for (
    const expected of ["the batch's jobs", "cancel batch", "retry failed", "pause queues", "↑↓ j k", "5 "]
  ) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("cancel job"), "a key of the jobs pane is listed for the batches");
  await press(app, "?", ENTER);
  frame = await waitForFrame(app, (f) => footerOf(f).startsWith("c cancel job"), "the jobs pane's footer");
  assertMatch(
    footerOf(frame),
    /^c cancel job\s+r retry job\s+p pause queues\s+C cancel batch\s+R retry failed/,
  );
  await press(app, "?");
  help = plain(await waitForFrame(app, (f) => f.includes("Jobs screen"), "the help"));
  for (const expected of ["cancel job", "retry job", "back to the batches", "cancel batch", "pause queues"]) {
    assertStringIncludes(help, expected);
  }
});

Deno.test("at 80x24 the jobs screen fits; with NO_COLOR states still read from their symbol and word", async () => {
  using _colours = forceColours();
  const fake = jobsClient();
  fake.jobs[1] = { ...fake.jobs[1], label: "A Very Long Show Name That Goes On And On S01E02" };
  const app = mount(fake.app({ initialScreen: "jobs", theme: plainTheme }));
  using _app = app;
  resize(app, 80, 24);
  const frame = plain(await waitForFrame(app, (f) => f.includes("S01E03"), "the jobs"));
  const lines = frame.split("\n");
  assertEquals(lines.length, 24);
  for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
  assertMatch(lineOf(frame, "S01E03"), /✗ failed/);
  assertMatch(frame, /› A Very Long Show Name…\s+render/);
  await press(app, DOWN, DOWN);
  assertEquals(colourCodes(app.frames.join("")), []);
});

Deno.test("the view keeps each cursor on its row over reloads and ignores events of jobs it does not show", () => {
  const view = new JobsView();
  const jobs = jobsClient().jobs;
  const batches = [batchOf({ id: 2 }, jobs), batchOf({ id: 1 }, jobs)];
  view.setBatches(batches);
  view.setJobs(2, jobs.filter((j) => j.batchId === 2));
  view.jobs.move(2, 5);
  assertEquals(view.job?.id, 6);
  // A reload with a new batch on top keeps the cursor on batch 2, and on job 6.
  view.setBatches([batchOf({ id: 3 }, []), ...batches]);
  assertEquals(view.batch?.id, 2);
  view.setJobs(2, jobs.filter((j) => j.batchId === 2).reverse());
  assertEquals(view.job?.id, 6);
  // Events of another batch's jobs change nothing here.
  assertFalse(
    view.applyProgress({
      jobId: 1,
      batchId: 1,
      episodeId: 1,
      stage: "render",
      stagePercent: 5,
      percent: 5,
      etaMs: null,
    }),
  );
  assert(
    view.applyJobState({ jobId: 6, batchId: 2, episodeId: 4, state: "active", stage: "render", error: null }),
  );
  assertEquals(view.job?.state, "active");
  // Moving to another batch forgets the jobs until that batch's arrive.
  view.batches.move(1, 5);
  assertEquals(view.batch?.id, 1);
  assertEquals(view.job, undefined);
  assertFalse(view.jobsLoaded);
});

Deno.test("batch counts and ETA read in words", () => {
  const jobs = jobsClient().jobs;
  assertEquals(
    batchCountsText(batchOf({ id: 2 }, jobs)),
    "1/6 done · 1 active · 1 waiting · 1 to review · 1 failed · 1 cancelled",
  );
  assertEquals(etaText({ state: "active", etaMs: 3_725_000 }), "1h 02m");
  assertEquals(etaText({ state: "active", etaMs: null }), "");
  assertEquals(etaText({ state: "waiting", etaMs: 5_000 }), "");
});
