/**
 * The Library's batch form rendered with ink-testing-library and a fake client: `b` opens it for
 * the selection (or the episode under the cursor), it shows `analysis.estimate` for the options
 * and asks again (debounced) when they change, Enter starts the batch with the chosen options and
 * goes on to the Jobs screen; invalid options and the daemon's errors stay in the form.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { batchOptionsSchema } from "../shared/jobs.ts";
import type { Episode } from "../shared/schemas.ts";
import { BatchForm } from "../tui/batch_form.ts";
import { ESTIMATE_DELAY_MS } from "../tui/hooks/use_batch_estimate.ts";
import {
  analysisEstimate,
  episode,
  FakeClient,
  joined,
  KEYS,
  manyEpisodes,
  mount,
  plain,
  press,
  type Rendered,
  resize,
  rpcError,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

const { ENTER, ESC, TAB, SHIFT_TAB, RIGHT, LEFT, BACKSPACE, CTRL_U } = KEYS;

function sampleEpisodes(): Episode[] {
  return [
    episode({ id: 1, show: "Alpha Show", season: 1, episode: 1, title: "Pilot" }),
    episode({ id: 2, show: "Alpha Show", season: 1, episode: 2, title: "The Second" }),
    episode({ id: 3, show: "Alpha Show", season: 1, episode: 3, title: "Third" }),
    episode({ id: 4, show: "Beta Show", season: 1, episode: 1, title: "Quiet One", subtitleLanguages: [] }),
  ];
}

function libraryClient(): FakeClient {
  const fake = new FakeClient();
  fake.episodes = sampleEpisodes();
  return fake;
}

/** Shows the Library of `fake` at 80x24 and waits for its rows. */
async function openLibrary(fake: FakeClient): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "library" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("The Second"), "the library's rows");
  return app;
}

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The form's line for the field labelled `label`. */
const fieldLine = (frame: string, label: string): string =>
  plain(frame).split("\n").find((line) => new RegExp(`│ [› ] ${label} `).test(line)) ?? "";

Deno.test("b opens the batch form for the selection with the daemon's defaults, and shows analysis.estimate for those episodes", async () => {
  const fake = libraryClient();
  using app = await openLibrary(fake);
  // Rows: the Alpha group header, episodes 1–3, the Beta header, episode 4.
  await press(app, "j", " ", "j", "j", " ", "b");
  const frame = plain(await waitForFrame(app, (f) => f.includes("fits the budget"), "the estimate"));

  assertStringIncludes(frame, "New batch — 2 episodes: Alpha Show S01E01, S01E03");
  assertMatch(fieldLine(frame, "Languages"), /Languages\s+es\s/);
  assertMatch(
    fieldLine(frame, "Level"),
    /○ beginner {2}● intermediate {2}○ upper intermediate {2}○ advanced/,
  );
  assertMatch(fieldLine(frame, "Expressions"), /Expressions\s+10\s/);
  assertMatch(fieldLine(frame, "Kinds"), /● short {2}○ long {2}○ both/);
  assertMatch(fieldLine(frame, "Render mode"), /● combined {2}○ separate/);
  assertMatch(fieldLine(frame, "Review"), /● auto {2}○ wait/);
  assertMatch(fieldLine(frame, "Export"), /● no {2}○ anki {2}○ csv {2}○ tsv {2}○ json/);
  assertStringIncludes(
    joined(frame),
    "Estimate for 2 episodes: 6 chunks, 4 LLM calls, 2 cached · 10,400 prompt + 2,200 output tokens · " +
      "$0.0042 (gemini-2.5-flash)",
  );
  assertStringIncludes(frame, "✓ fits the budget: $0.2500 of $5.0000 spent today");
  assertEquals(fake.estimateCalls, [{
    episodeIds: [1, 3],
    options: {
      targetLanguages: ["es"],
      level: "intermediate",
      expressionsPerEpisode: 10,
      renderMode: "combined",
    },
  }]);
  assertEquals(fake.createCalls, [], "nothing starts before Enter");
  assert(frame.split("\n").every((line) => [...line].length <= 80), frame);
});

Deno.test("changed options ask for a new estimate once typing pauses, and Enter starts the batch with them, then shows it on the Jobs screen", async () => {
  const fake = libraryClient();
  using app = await openLibrary(fake);
  await press(app, "j", " ", "j", " ", "b");
  await waitForFrame(app, (f) => f.includes("fits the budget"), "the first estimate");
  assertEquals(fake.estimateCalls.length, 1);

  // Four characters typed quickly: one new estimate, once they stop.
  await press(app, ",", " ", "f", "r");
  await until(() => fake.estimateCalls.length === 2, "the estimate for es, fr");
  await new Promise((resolve) => setTimeout(resolve, ESTIMATE_DELAY_MS * 2));
  assertEquals(fake.estimateCalls.length, 2, "an estimate per key typed");
  assertEquals(fake.estimateCalls[1].options?.targetLanguages, ["es", "fr"]);

  // Level: one step right; expressions: 5; kinds: both; render mode: separate; review: wait;
  // schedule: yes; export: csv.
  await press(
    app,
    TAB,
    RIGHT,
    TAB,
    BACKSPACE,
    BACKSPACE,
    "5",
    TAB,
    RIGHT,
    RIGHT,
    TAB,
    " ",
    TAB,
    LEFT,
    TAB,
    RIGHT,
  );
  let form = plain(await waitForFrame(app, (f) => f.includes("● yes"), "the schedule chosen"));
  assertMatch(fieldLine(form, "Schedule"), /○ no {2}● yes/);
  assertStringIncludes(form, "each finished video goes on the publishing calendar");
  await press(app, TAB, RIGHT, RIGHT);
  form = plain(await waitForFrame(app, (f) => f.includes("● csv"), "the options chosen"));
  assertMatch(fieldLine(form, "Export"), /○ no {2}○ anki {2}● csv {2}○ tsv/);
  assertStringIncludes(joined(form), "exported once its videos are done: csv: notes to import in Anki");
  assertMatch(fieldLine(form, "Review"), /○ auto {2}● wait/);
  assertMatch(fieldLine(form, "Level"), /● upper intermediate/);
  assertMatch(fieldLine(form, "Expressions"), /Expressions\s+5\s/);
  assertMatch(fieldLine(form, "Kinds"), /○ short {2}○ long {2}● both/);
  assertMatch(fieldLine(form, "Render mode"), /○ combined {2}● separate/);
  await until(
    () => fake.estimateCalls.at(-1)?.options?.renderMode === "separate",
    "an estimate for the analysis options chosen",
  );
  assertEquals(fake.estimateCalls.at(-1)?.options, {
    targetLanguages: ["es", "fr"],
    level: "upper_intermediate",
    expressionsPerEpisode: 5,
    renderMode: "separate",
  });

  await press(app, ENTER);
  const started = plain(await waitForFrame(app, (f) => f.includes("started"), "the batch started"));
  assertEquals(fake.createCalls, [{
    episodeIds: [1, 2],
    options: {
      analysis: {
        targetLanguages: ["es", "fr"],
        level: "upper_intermediate",
        expressionsPerEpisode: 5,
        renderMode: "separate",
      },
      render: { kinds: ["short", "long"] },
      review: "wait",
      autoSchedule: true,
      export: { format: "csv" },
    },
  }]);
  assertStringIncludes(started, "✓ Batch 1 started: 2 jobs (1, 2)");
  assertStringIncludes(started, "Enter shows it on the Jobs screen (5)");

  await press(app, ENTER);
  const jobs = plain(
    await waitForFrame(
      app,
      (f) => f.includes("Batch 1 —") && f.includes("Alpha Show S01E02"),
      "the Jobs screen",
    ),
  );
  assertStringIncludes(jobs, "Batches — 1 batch");
  assertMatch(jobs, /› #1 .*▶ active\s+0\/2 done · 2 waiting/);
  assertStringIncludes(
    jobs,
    "Batch 1 — review wait · export csv · short, long · es, fr",
  );

  // Back in the Library the form is closed and the selection it was for is cleared.
  await press(app, "2");
  const library = plain(await waitForFrame(app, (f) => f.includes("Library — 4 episodes"), "the library"));
  assertFalse(library.includes("selected"), library);
});

Deno.test("without a selection b batches the episode under the cursor; on a group header it says what to do", async () => {
  const fake = libraryClient();
  using app = await openLibrary(fake);
  await press(app, "b");
  await waitForFrame(app, (f) => f.includes("Nothing to batch: put the cursor on an episode"), "the hint");
  assertEquals(fake.estimateCalls, []);

  await press(app, "j", "j", "b");
  await waitForFrame(app, (f) => f.includes("New batch — 1 episode: Alpha Show S01E02"), "the form");
  await until(() => fake.estimateCalls.length === 1, "the estimate");
  assertEquals(fake.estimateCalls[0].episodeIds, [2]);

  await press(app, ESC);
  await waitForFrame(app, (f) => f.includes("Library — 4 episodes"), "Esc back to the library");
  assertEquals(fake.createCalls, [], "Esc started a batch");
});

Deno.test("invalid options are said in the form and sent nowhere; the daemon's refusals stay in the form too", async () => {
  const fake = libraryClient();
  using app = await openLibrary(fake);
  await press(app, "j", "b");
  await waitForFrame(app, (f) => f.includes("fits the budget"), "the estimate");

  await press(app, CTRL_U, "x", "1");
  await waitForFrame(
    app,
    (f) => f.includes("Fix the options to see what the batch would cost"),
    "no estimate",
  );
  await press(app, ENTER);
  await waitForFrame(app, (f) => f.includes('"x1" is not a language code'), "the language error");
  await press(app, CTRL_U, "d", "e", TAB, TAB, BACKSPACE, BACKSPACE, "0", ENTER);
  await waitForFrame(
    app,
    (f) => f.includes("Expressions per episode is a whole number from 1 to 100"),
    "the count error",
  );
  assertEquals(fake.createCalls, []);

  fake.estimate = rpcError("PRECONDITION_FAILED", "No GEMINI_API_KEY: set it to analyse episodes.");
  fake.createError = rpcError(
    "BAD_REQUEST",
    "Episode 1 has no subtitle track: add a sidecar .srt and rescan.",
  );
  await press(app, BACKSPACE, "7");
  await waitForFrame(
    app,
    (f) => f.includes("✗ analysis.estimate failed: PRECONDITION_FAILED: No GEMINI_API_KEY"),
    "the estimate's error",
  );
  await press(app, ENTER);
  const refused = plain(await waitForFrame(app, (f) => f.includes("batches.create failed"), "the refusal"));
  assertStringIncludes(refused, "✗ batches.create failed: BAD_REQUEST: Episode 1 has no subtitle track");
  assertEquals(fake.createCalls.length, 1);
  assertStringIncludes(refused, "New batch", "the form closed on the refusal");
  assertMatch(fieldLine(refused, "Expressions"), /Expressions\s+7\s/);
});

Deno.test("an estimate over today's budget is shown in red words; episodes without subtitles are flagged", async () => {
  const fake = libraryClient();
  fake.estimate = analysisEstimate(2, { spentTodayUsd: 4.999, fits: false });
  using app = await openLibrary(fake);
  await press(app, "G", " ", "g", "j", " ", "b");
  const frame = plain(await waitForFrame(app, (f) => f.includes("over the budget"), "the budget"));
  assertStringIncludes(frame, "✗ over the budget ($4.9990 of $5.0000 spent today)");
  assertStringIncludes(frame, "▲ 1 episode without usable subtitles: its job will fail");
});

Deno.test("more than 50 selected episodes are refused before the form opens", async () => {
  const fake = new FakeClient();
  fake.episodes = manyEpisodes(60);
  using app = mount(fake.app({ initialScreen: "library" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("Episode number 2"), "the library");
  await press(app, "a", "b");
  await waitForFrame(
    app,
    (f) => f.includes("A batch takes at most 50 episodes and 60 are selected"),
    "refusal",
  );
  assertFalse(frameOf(app).includes("New batch"));
  assertEquals(fake.estimateCalls, []);
});

Deno.test("the form's keys are in the footer and the help; q on a choice does not quit", async () => {
  const fake = libraryClient();
  using app = await openLibrary(fake);
  await press(app, "j", "b");
  const footer = (f: string) => plain(f).trimEnd().split("\n").at(-1) ?? "";
  const frame = await waitForFrame(app, (f) => footer(f).includes("start the batch"), "the form's footer");
  assertMatch(footer(frame), /^Enter start the batch\s+Esc cancel/);
  // On a choice, letters go nowhere: q does not quit in the middle of the form.
  await press(app, TAB, "q", "x");
  assertEquals(fake.closes, 0);
  assertStringIncludes(frameOf(app), "New batch");
  // ? is never part of an option: it opens the help from any field.
  await press(app, SHIFT_TAB, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Library screen"), "the help"));
  for (const expected of ["start the batch", "cancel", "next field", "previous field", "change a choice"]) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("rescan"), "a key of the list is listed while the form is open");
});

Deno.test("BatchForm turns its fields into the daemon's options and checks them as the daemon would", () => {
  const form = new BatchForm(sampleEpisodes().slice(0, 1));
  assertEquals(form.result(), {
    kind: "ok",
    options: {
      analysis: {
        targetLanguages: ["es"],
        level: "intermediate",
        expressionsPerEpisode: 10,
        renderMode: "combined",
      },
      render: { kinds: ["short"] },
      review: "auto",
      autoSchedule: false,
    },
  });
  const exportField = form.fields.find((field) => field.name === "export");
  if (exportField?.kind !== "choice") throw new Error("no export field");
  for (const format of ["anki", "csv", "tsv", "json"] as const) {
    exportField.chosen = exportField.choices.findIndex((choice) => choice.value === format);
    const result = form.result();
    if (result.kind !== "ok") throw new Error(result.error);
    assertEquals(result.options.export, { format });
    // The daemon fills in the export's options.
    assertEquals(batchOptionsSchema.parse(result.options).export?.options.paddingBeforeMs, 250);
  }
  exportField.chosen = 0;
  const languages = form.fields.find((field) => field.name === "languages");
  if (languages?.kind !== "text") throw new Error("no languages field");
  languages.value = { text: "ES, Fr ,de", cursor: 0 };
  assertEquals(form.analysisOptions(), {
    kind: "ok",
    options: {
      targetLanguages: ["es", "fr", "de"],
      level: "intermediate",
      expressionsPerEpisode: 10,
      renderMode: "combined",
    },
  });
  for (
    const [text, error] of [
      ["", "at least one target language"],
      ["es, es", "appears twice"],
      ["es, fr, de, it, pt, ja", "At most 5"],
      ["spanish", '"spanish" is not a language code'],
    ]
  ) {
    languages.value = { text, cursor: 0 };
    const result = form.result();
    assert(result.kind === "invalid" && result.error.includes(error), `${text}: ${JSON.stringify(result)}`);
    assertEquals(form.estimateKey(), undefined);
  }
});
