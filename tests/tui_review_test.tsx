/**
 * The Review screen rendered with ink-testing-library and a fake client: rows and details,
 * approving and rejecting (one, a selection, everything pending), the edit form, dropped
 * expressions, sample data, analysis runs, events, picking episodes, 80x24 and NO_COLOR.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { Expression } from "../shared/analysis.ts";
import type { Episode } from "../shared/schemas.ts";
import { ExpressionForm } from "../tui/expression_form.ts";
import { ReviewView } from "../tui/review_view.ts";
import { editText, textField } from "../tui/text_edit.ts";
import { plainTheme } from "../tui/theme.ts";
import {
  analysisRun,
  colourCodes,
  episode,
  expression,
  FakeClient,
  forceColours,
  mount,
  plain,
  type Rendered,
  resize,
  rpcError,
  settle,
  summarise,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

const ESC = "\x1b";
const ENTER = "\r";
const TAB = "\t";
const SHIFT_TAB = "\x1b[Z";
const BACKSPACE = "\x7f";
const CTRL_U = "\x15";

function episodes(): Episode[] {
  return [
    episode({ id: 1, show: "Sample Show", season: 1, episode: 1, title: "Pilot" }),
    episode({ id: 2, show: "Sample Show", season: 1, episode: 2, title: "The Second" }),
    episode({ id: 3, show: "Talk Show", season: 1, episode: 1, title: "Not Yet" }),
    episode({ id: 4, show: "Talk Show", season: 1, episode: 2, title: "Also Analysed" }),
  ];
}

/** Episode 1: four expressions and a dropped one; episode 2: one sample one; episode 4: one. */
function expressions(): Expression[] {
  return [
    expression({ id: 11, episodeId: 1, text: "break the ice", difficulty: 4 }),
    expression({ id: 12, episodeId: 1, text: "call it a day", difficulty: 3 }),
    expression({ id: 13, episodeId: 1, text: "a piece of cake", difficulty: 2 }),
    expression({ id: 14, episodeId: 1, text: "spill the beans", difficulty: 6 }),
    expression({
      id: 15,
      episodeId: 1,
      text: "hold your horses",
      status: "dropped",
      dropReason: "not_in_line: the expression is not in cue 7",
    }),
    expression({
      id: 21,
      episodeId: 2,
      text: "under the weather",
      sample: true,
      translations: [
        {
          language: "es",
          expression: "estar pachucho",
          line: "Estoy pachucho.",
          title: "Aprende «pachucho»",
        },
        {
          language: "fr",
          expression: "être patraque",
          line: "Je suis patraque.",
          title: "Apprends «patraque»",
        },
      ],
    }),
    expression({ id: 41, episodeId: 4, text: "hit the road" }),
  ];
}

function reviewClient(): FakeClient {
  const fake = new FakeClient();
  fake.episodes = episodes();
  fake.expressions = expressions();
  return fake;
}

/** Shows the Review screen of `fake` at 80x24 and waits for `text`. */
async function openReview(fake: FakeClient, text = "break the ice"): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "review" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes(text), `the review screen showing "${text}"`);
  return app;
}

/** Writes keys one at a time, as a person types them. */
async function press(app: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    // A lone Esc is only taken as one after a short wait (it could start a sequence).
    if (key === ESC) await new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
  }
}

/** Types `text` one character at a time. */
const type = (app: Rendered, text: string) => press(app, ...text);

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The frame's line that shows the cursor (`›`). */
const cursorLine = (frame: string): string =>
  plain(frame).split("\n").find((line) => line.includes("› [")) ?? "";
/** The frame's first line that contains `text`. */
const lineWith = (frame: string, text: string): string =>
  plain(frame).split("\n").find((line) => line.includes(text)) ?? "";
/** The text inside the frame's panels as one line: what wraps over lines reads whole. */
const joined = (frame: string): string =>
  plain(frame).split("\n").map((line) => line.replace(/^[│╭╰]\s?/, "").replace(/\s*[│╮╯]$/, "")).join(" ");
/** The list row of expression `text` (the one with a selection mark). */
const rowOf = (frame: string, text: string): string =>
  plain(frame).split("\n").find((line) => line.includes(text) && /\[[ x]\]/.test(line)) ?? "";

Deno.test("the review screen lists the episode's expressions (status, difficulty, first translation) and details the one under the cursor", async () => {
  using app = await openReview(reviewClient());
  const frame = frameOf(app);
  assertStringIncludes(frame, "Review — Sample Show S01E01 · Pilot · 4 pending · 1 dropped");
  assertMatch(rowOf(frame, "break the ice"), /› \[ \] · break the ice\s+d4 «break the ice» en español/);
  assertMatch(rowOf(frame, "call it a day"), /\[ \] · call it a day\s+d3 «call it a day» en español/);
  assertFalse(frame.includes("hold your horses"), "a dropped expression is shown before d");
  assertFalse(frame.includes("[sample]"), "a sample tag on data that is not sample data");

  // The details: status, context with the expression's own line marked, translation, meaning.
  assertStringIncludes(frame, "· pending · difficulty 4/10 · usefulness 7/10 · at 1:50.0");
  assertMatch(frame, /│ {4}1:47\.0 {2}What do we do now\?/);
  assertMatch(frame, /│ ▸ {2}1:50\.0 {2}Well, break the ice, I guess\./);
  assertMatch(frame, /│ {4}1:53\.0 {2}Fine by me\./);
  assertMatch(frame, /es {2}«break the ice» en español/);
  assertStringIncludes(frame, "line: Bueno, «break the ice», supongo.");
  assertStringIncludes(frame, "title: Aprende «break the ice»");

  await press(app, "j");
  const next = plain(
    await waitForFrame(app, (f) => cursorLine(f).includes("call it a day"), "j to move down"),
  );
  assertStringIncludes(next, "Well, call it a day, I guess.");

  // Enter shows all of the details (meaning, similar, example), Esc goes back.
  await press(app, ENTER);
  const details = plain(await waitForFrame(app, (f) => f.includes("Example:"), "the whole details"));
  assertStringIncludes(details, 'Meaning: What "call it a day" means.');
  assertStringIncludes(details, "Similar: a similar one, another");
  assertStringIncludes(details, "Example: An example with call it a day.");
  assertStringIncludes(details, "call it a day — 2 of 4");
  await press(app, ESC);
  await waitForFrame(app, (f) => cursorLine(f).includes("call it a day"), "Esc back to the list");
});

Deno.test("a approves the expression under the cursor and moves on, x rejects; the rows follow the daemon's answer", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "a");
  await until(() => fake.reviewCalls.length === 1, "expressions.review to be called");
  assertEquals(fake.reviewCalls[0], { ids: [11], decision: "approve" });
  let frame = await waitForFrame(app, (f) => rowOf(f, "break the ice").includes("✓"), "the approved row");
  assertMatch(rowOf(frame, "break the ice"), /\[ \] ✓ break the ice/);
  assertMatch(cursorLine(frame), /call it a day/, "the cursor did not move on");
  assertStringIncludes(plain(frame), "3 pending · 1 ✓");

  await press(app, "x");
  await until(() => fake.reviewCalls.length === 2, "the second review");
  assertEquals(fake.reviewCalls[1], { ids: [12], decision: "reject" });
  frame = await waitForFrame(app, (f) => rowOf(f, "call it a day").includes("✗"), "the rejected row");
  assertStringIncludes(plain(frame), "2 pending · 1 ✓ · 1 ✗");

  // Keys typed faster than the daemon answers each take the next row.
  await press(app, "a", "a");
  await until(() => fake.reviewCalls.length === 4, "two more reviews");
  assertEquals(fake.reviewCalls.slice(2).map((call) => call.ids), [[13], [14]]);
  await waitForFrame(app, (f) => plain(f).includes("0 pending · 3 ✓ · 1 ✗"), "all reviewed");
});

Deno.test("Space selects; a approves the whole selection in one call; X rejects every pending one", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, " ", "j", "j", " ");
  let frame = await waitForFrame(app, (f) => f.includes("2 selected"), "two selected");
  assertMatch(rowOf(frame, "break the ice"), /\[x\] · break the ice/);
  assertMatch(rowOf(frame, "a piece of cake"), /\[x\] · a piece of cake/);
  assertStringIncludes(plain(frame), "2 selected: a / x approve or reject them");
  // The footer says what a will do now.
  assertStringIncludes(plain(frame).split("\n").at(-1) ?? "", "a approve the selection");

  await press(app, "a");
  await until(() => fake.reviewCalls.length === 1, "one review call");
  assertEquals(fake.reviewCalls[0], { ids: [11, 13], decision: "approve" });
  frame = await waitForFrame(app, (f) => f.includes("Approved 2 expressions"), "the bulk message");
  assertMatch(rowOf(frame, "break the ice"), /\[ \] ✓ break the ice/);
  assertMatch(rowOf(frame, "a piece of cake"), /\[ \] ✓ a piece of cake/);
  assertMatch(cursorLine(frame), /a piece of cake/, "a bulk decision moved the cursor");

  await press(app, "X");
  await until(() => fake.reviewCalls.length === 2, "the reject-all call");
  assertEquals(fake.reviewCalls[1], { ids: [12, 14], decision: "reject" });
  frame = await waitForFrame(app, (f) => f.includes("Rejected 2 expressions"), "everything pending rejected");
  assertStringIncludes(plain(frame), "0 pending · 2 ✓ · 2 ✗");
  await press(app, "X");
  await waitForFrame(app, (f) => f.includes("Nothing pending here"), "nothing left to reject");
  assertEquals(fake.reviewCalls.length, 2);
});

Deno.test("a failed review says why and leaves the row as it was", async () => {
  const fake = reviewClient();
  fake.reviewError = rpcError("INTERNAL_SERVER_ERROR", "the database is gone");
  using app = await openReview(fake);
  await press(app, "a");
  const frame = await waitForFrame(app, (f) => f.includes("Could not approve"), "the error");
  assertStringIncludes(
    joined(frame),
    '✗ Could not approve "break the ice": INTERNAL_SERVER_ERROR: the database is gone',
  );
  assertMatch(rowOf(frame, "break the ice"), /· break the ice/);
});

Deno.test("e edits in a form: Tab moves between fields, Enter sends only the changed fields, Esc cancels", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "e");
  let frame = plain(await waitForFrame(app, (f) => f.includes("Edit — break the ice"), "the form"));
  for (
    const label of [
      "Expression",
      "Meaning",
      "Example",
      "Similar",
      "Difficulty",
      "Translation (es)",
      "Title (es)",
    ]
  ) {
    assertStringIncludes(frame, label);
  }
  assertMatch(lineWith(frame, "Difficulty"), /Difficulty\s+4/);
  assertMatch(frame.split("\n").at(-1) ?? "", /Enter save\s+Esc cancel/);

  // Esc cancels without a call, whatever was typed (q and digits are text here, not keys).
  await press(app, TAB);
  await type(app, " q1");
  await waitForFrame(app, (f) => f.includes("means. q1"), "typed text");
  await press(app, ESC);
  await waitForFrame(app, (f) => f.includes("Review — Sample Show"), "the list again");
  assertEquals(fake.reviewCalls.length, 0);

  // Meaning replaced, difficulty changed, the Spanish title edited; the rest untouched.
  await press(app, "e", TAB, CTRL_U);
  await type(app, "To start a conversation.");
  await press(app, TAB, TAB, TAB, BACKSPACE);
  await type(app, "7");
  await press(app, SHIFT_TAB, SHIFT_TAB, SHIFT_TAB, SHIFT_TAB, SHIFT_TAB); // round to the title
  frame = plain(await waitForFrame(app, (f) => /› Title \(es\)/.test(plain(f)), "the title field"));
  await type(app, "!");
  await press(app, ENTER);
  await until(() => fake.reviewCalls.length === 1, "the save");
  assertEquals(fake.reviewCalls[0], {
    ids: [11],
    edits: {
      meaning: "To start a conversation.",
      difficulty: 7,
      translations: [{
        language: "es",
        expression: "«break the ice» en español",
        line: "Bueno, «break the ice», supongo.",
        title: "Aprende «break the ice»!",
      }],
    },
  });
  frame = plain(await waitForFrame(app, (f) => f.includes('Saved "break the ice"'), "saved"));
  assertMatch(rowOf(frame, "break the ice"), /break the ice\s+d7/);
  assertStringIncludes(frame, "Meaning: To start a conversation.");

  // Keys sent together (as tmux does) are taken one by one: three Tabs, then text and Enter.
  await press(app, "e");
  await waitForFrame(app, (f) => f.includes("Edit — break the ice"), "the form again");
  await press(app, "\t\t\t");
  await waitForFrame(app, (f) => /› Similar/.test(plain(f)), "three Tabs at once");
  await press(app, ", ice breaker\r");
  await until(() => fake.reviewCalls.length === 2, "the save of keys sent at once");
  assertEquals(fake.reviewCalls[1], {
    ids: [11],
    edits: { similar: ["a similar one", "another", "ice breaker"] },
  });

  // Nothing changed: no call.
  await waitForFrame(app, (f) => f.includes("Review — Sample Show"), "the list after the save");
  await press(app, "e", ENTER);
  await waitForFrame(app, (f) => f.includes("Nothing changed"), "nothing to save");
  assertEquals(fake.reviewCalls.length, 2);
});

Deno.test("the edit form refuses a difficulty outside 1-10 and shows the daemon's error, staying open", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "e", TAB, TAB, TAB, TAB, CTRL_U);
  await type(app, "11");
  await press(app, ENTER);
  await waitForFrame(app, (f) => f.includes("Difficulty is a whole number from 1 to 10"), "the check");
  assertEquals(fake.reviewCalls.length, 0);

  await press(app, BACKSPACE);
  fake.reviewError = rpcError("NOT_FOUND", "No expression 11: list them with expressions.list.");
  await press(app, ENTER);
  const frame = await waitForFrame(app, (f) => f.includes("NOT_FOUND"), "the daemon's error");
  assertStringIncludes(plain(frame), "✗ NOT_FOUND: No expression 11: list them with expressions.list.");
  assertStringIncludes(plain(frame), "Edit — break the ice");
});

Deno.test("d shows the dropped expressions with their reasons, and hides them again", async () => {
  using app = await openReview(reviewClient());
  assertStringIncludes(frameOf(app), "d shows 1 dropped");
  await press(app, "d");
  let frame = await waitForFrame(app, (f) => f.includes("hold your horses"), "the dropped one");
  assertMatch(rowOf(frame, "hold your horses"), /\[ \] – hold your horses\s+d5 dropped: not_in_line/);
  await press(app, "G");
  frame = await waitForFrame(app, (f) => cursorLine(f).includes("hold your horses"), "the cursor on it");
  assertStringIncludes(plain(frame), "Dropped: not_in_line: the expression is not in cue 7");
  assertStringIncludes(plain(frame), "– dropped · difficulty 5/10");
  await press(app, "d");
  frame = await waitForFrame(app, (f) => !f.includes("hold your horses"), "the dropped one hidden");
  assertMatch(cursorLine(frame), /spill the beans/);
});

Deno.test("sample data is labelled in the rows and the details; every language's translation is shown", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "]");
  const frame = plain(await waitForFrame(app, (f) => f.includes("under the weather"), "episode 2"));
  assertStringIncludes(frame, "Review — Sample Show S01E02 · The Second · 1 pending");
  assertMatch(rowOf(frame, "under the weather"), /· under the weather\s+d5 estar pachucho\s+\[sample\] │$/);
  assertStringIncludes(frame, "[sample] hand-written sample analysis, no LLM call");
  assertMatch(frame, /es {2}estar pachucho/);
  assertMatch(frame, /fr {2}être patraque/);
  assertStringIncludes(frame, "title: Apprends «patraque»");
});

Deno.test("[ and ] go to the episodes with expressions; p picks any episode from the library", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  assertStringIncludes(frameOf(app), "other episodes (1 of 3 analysed)");
  await press(app, "[");
  await waitForFrame(app, (f) => f.includes("No episode with expressions before this one"), "no earlier one");
  await press(app, "]", "]");
  await waitForFrame(app, (f) => f.includes("Talk Show S01E02 · Also Analysed"), "episode 4, past episode 3");
  await press(app, "[");
  await waitForFrame(app, (f) => f.includes("Sample Show S01E02"), "back to episode 2");

  await press(app, "p");
  let frame = plain(await waitForFrame(app, (f) => f.includes("Pick an episode"), "the picker"));
  assertStringIncludes(frame, "4 episodes, 3 analysed");
  assertMatch(lineWith(frame, "Pilot"), /S01E01\s+Pilot\s+4 pending · 1 dropped/);
  assertMatch(lineWith(frame, "Not Yet"), /S01E01\s+Not Yet\s+not analysed/);
  assertMatch(
    lineWith(frame, "The Second"),
    /^│ ›/,
    "the picker's cursor is not on the episode under review",
  );

  // The filter takes letters (q too), Enter keeps it, Enter picks.
  await press(app, "/");
  await type(app, "not q");
  await waitForFrame(app, (f) => f.includes('No episode matches "not q"'), "the filter");
  await press(app, BACKSPACE, BACKSPACE, ENTER);
  frame = plain(await waitForFrame(app, (f) => f.includes('filter: "not"'), "the filter kept"));
  assertFalse(frame.includes("Pilot"));
  await press(app, "j", ENTER);
  frame = plain(
    await waitForFrame(app, (f) => f.includes("No expressions for this episode yet"), "episode 3"),
  );
  assertStringIncludes(frame, "Review — Talk Show S01E01 · Not Yet · not analysed");
});

Deno.test("shown after the Library's cursor moved onto an episode, the review screen reviews that episode", async () => {
  const fake = reviewClient();
  using app = mount(fake.app({ initialScreen: "library" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("Library — 4 episodes"), "the library");
  await press(app, "j", "j", "3");
  await waitForFrame(
    app,
    (f) => f.includes("Review — Sample Show S01E02 · The Second"),
    "episode 2 under review",
  );
  await press(app, "]", "2", "3");
  await waitForFrame(app, (f) => f.includes("Review — Talk Show S01E02"), "] kept: the cursor did not move");
  await press(app, "2", "j", "j", "3"); // past the Talk Show header
  await waitForFrame(
    app,
    (f) => f.includes("Review — Talk Show S01E01 · Not Yet"),
    "episode 3 from the library",
  );
});

Deno.test("an episode without expressions says how to get some", async () => {
  const fake = reviewClient();
  fake.expressions = [];
  using app = await openReview(fake, "No expressions for this episode yet");
  const frame = frameOf(app);
  assertStringIncludes(frame, "Review — Sample Show S01E01 · Pilot · not analysed");
  assertStringIncludes(frame, "Press r to analyse it.");
  assertStringIncludes(frame, "GEMINI_API_KEY");
  assertStringIncludes(frame, "scripts/make-sample");
  // Only the keys that do something without expressions are offered.
  await waitForFrame(
    app,
    (f) => /^r analyse\s+\[ \] previous \/ next episode\s+\? help/.test(plain(f).split("\n").at(-1) ?? ""),
    "the footer",
  );
});

Deno.test("r analyses the episode: analysing…, then the run's summary and the expressions it found", async () => {
  const fake = reviewClient();
  fake.expressions = [];
  using app = await openReview(fake, "No expressions for this episode yet");
  await press(app, "r");
  await until(() => fake.runs.length === 1, "analysis.run to be called");
  assertEquals(fake.runs[0].episodeId, 1);
  await waitForFrame(app, (f) => f.includes("Analysing Sample Show S01E01 · Pilot…"), "the run in progress");
  await press(app, "r");
  await settle();
  assertEquals(fake.runs.length, 1, "a second r while one runs started another run");

  fake.expressions = expressions().filter((e) => e.episodeId === 1);
  fake.runs[0].resolve(
    analysisRun({ episodeId: 1, kept: 4, dropped: 1, calls: 0, cachedChunks: 3, costUsd: 0 }),
  );
  const frame = plain(
    await waitForFrame(
      app,
      (f) => f.includes("break the ice") && f.includes("Analysis completed"),
      "the result",
    ),
  );
  assertStringIncludes(
    joined(frame),
    "✓ Analysis completed in 2.3 s: 4 kept, 1 dropped · 0 LLM calls, 3 of 3 chunks cached · $0.0000",
  );
  assertStringIncludes(frame, "4 pending · 1 dropped");
});

Deno.test("a run that fails shows the daemon's message whole; a partial run says which chunk failed", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "]", "]"); // episode 4
  await waitForFrame(app, (f) => f.includes("hit the road"), "episode 4");
  await press(app, "r");
  await until(() => fake.runs.length === 1, "analysis.run");
  const message =
    "GEMINI_API_KEY is not set and 3 of 3 chunks of episode 4 have no cached reply: get a key at https://aistudio.google.com/apikey and put GEMINI_API_KEY=… in the environment or .env";
  fake.runs[0].reject(rpcError("PRECONDITION_FAILED", message));
  const frame = plain(await waitForFrame(app, (f) => f.includes("PRECONDITION_FAILED"), "the error"));
  // Wrapped over lines rather than cut: the end of the message is on screen.
  const text = joined(frame);
  assertStringIncludes(text, "✗ Analysis failed: PRECONDITION_FAILED: GEMINI_API_KEY is not set");
  assertStringIncludes(text, "environment or .env");
  assert(frame.split("\n").length <= 24, frame);

  await press(app, "r");
  await until(() => fake.runs.length === 2, "a second run");
  fake.runs[1].resolve(analysisRun({
    episodeId: 4,
    status: "partial",
    chunks: 4,
    failedChunks: [{ chunk: 2, kind: "timeout", message: "no answer in 60 s" }],
    kept: 2,
    dropped: 0,
    calls: 4,
    cachedChunks: 0,
    costUsd: 0.0123,
  }));
  await waitForFrame(
    app,
    (f) => joined(f).includes("▲ Analysis partial: 1 of 4 chunks failed (timeout: no answer in 60 s)"),
    "the partial run",
  );
});

Deno.test("expressions.changed reloads the episode under review, and recounts another episode", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  fake.expressions = fake.expressions.map((e) =>
    e.id === 12 ? { ...e, status: "approved", updatedAt: "2026-11-22T00:00:00.000Z" } : e
  );
  fake.expressions.push(expression({ id: 16, episodeId: 1, text: "wrap it up", startMs: 900_000 }));
  fake.emit({
    type: "expressions.changed",
    at: new Date().toISOString(),
    source: "test:1",
    data: { episodeIds: [1], runId: null, cause: "approve", count: 1 },
  });
  let frame = await waitForFrame(app, (f) => f.includes("wrap it up"), "the reloaded episode");
  assertMatch(rowOf(frame, "call it a day"), /✓ call it a day/);
  assertStringIncludes(plain(frame), "4 pending · 1 ✓ · 1 dropped");

  fake.expressions.push(expression({ id: 31, episodeId: 3, text: "out of the blue" }));
  fake.emit({
    type: "expressions.changed",
    at: new Date().toISOString(),
    source: "test:1",
    data: { episodeIds: [3], runId: 7, cause: "analysis", count: 1 },
  });
  await until(
    () => fake.summaryCalls.some((call) => call?.episodeIds?.includes(3)),
    "the other episode to be recounted",
  );
  await waitForFrame(app, (f) => f.includes("(1 of 4 analysed)"), "four episodes with expressions");
  await press(app, "]", "]");
  frame = await waitForFrame(app, (f) => f.includes("out of the blue"), "episode 3 now among them");
});

Deno.test("hundreds of expressions: only the window is rendered, and G and g reach both ends", async () => {
  const fake = reviewClient();
  fake.expressions = Array.from(
    { length: 600 },
    (_, i) =>
      expression({ id: 1_000 + i, episodeId: 1, text: `expression number ${i + 1}`, startMs: i * 1_000 }),
  );
  using app = await openReview(fake, "expression number 1");
  await press(app, "G");
  let frame = plain(
    await waitForFrame(app, (f) => cursorLine(f).includes("expression number 600"), "the last row"),
  );
  assert(frame.split("\n").length <= 24, frame);
  assertEquals(frame.split("\n").filter((line) => /\[[ x]\] ·/.test(line)).length <= 10, true, frame);
  await press(app, "g");
  frame = plain(
    await waitForFrame(app, (f) => cursorLine(f).includes("expression number 1 "), "the first row"),
  );
  await press(app, "A");
  await until(() => fake.reviewCalls.length === 2, "600 ids in batches of 500");
  assertEquals(fake.reviewCalls.map((call) => call.ids.length), [500, 100]);
  await waitForFrame(app, (f) => f.includes("Approved 600 expressions"), "all approved");
});

Deno.test("at 80x24 the review screen fits; without colours (NO_COLOR) statuses read from their marks", async () => {
  const fake = reviewClient();
  fake.expressions[0] = {
    ...fake.expressions[0],
    text: "an expression that goes on and on ".repeat(4).trim(),
  };
  fake.expressions[1] = { ...fake.expressions[1], status: "approved" };
  fake.expressions[2] = { ...fake.expressions[2], status: "rejected" };
  using _colours = forceColours();
  using app = mount(fake.app({ initialScreen: "review", theme: plainTheme }));
  resize(app, 80, 24);
  for (
    const [keys, shows] of [[[], "call it a day"], [["d"], "hold your horses"], [[ENTER], "Example:"], [
      ["e"],
      "Title (es)",
    ]] as const
  ) {
    await press(app, ...keys);
    const frame = plain(await waitForFrame(app, (f) => f.includes(shows), shows));
    const lines = frame.split("\n");
    assert(lines.length <= 24, `${lines.length} lines:\n${frame}`);
    for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
    if (keys.length === 0) {
      assertMatch(rowOf(frame, "call it a day"), /✓ call it a day/);
      assertMatch(rowOf(frame, "a piece of cake"), /✗ a piece of cake/);
      assertMatch(rowOf(frame, "an expression"), /an expression that goes on.*…\s+d4/);
    }
    await press(app, ESC);
  }
  assertEquals(colourCodes(app.frames.join("")), []);
});

Deno.test("with colours, approved is green, rejected red, and the expression's own line stands out", async () => {
  const fake = reviewClient();
  fake.expressions[1] = { ...fake.expressions[1], status: "approved" };
  fake.expressions[2] = { ...fake.expressions[2], status: "rejected" };
  using _colours = forceColours();
  using app = await openReview(fake);
  const frame = app.lastFrame() ?? "";
  assertStringIncludes(frame.split("\n").find((l) => l.includes("call it a day")) ?? "", "\x1b[32m✓");
  assertStringIncludes(frame.split("\n").find((l) => l.includes("a piece of cake")) ?? "", "\x1b[31m✗");
  assertStringIncludes(frame.split("\n").find((l) => l.includes("▸")) ?? "", "\x1b[1m");
});

Deno.test("the help lists every key of the review screen", async () => {
  using app = await openReview(reviewClient());
  const footer = /^a approve\s+x reject\s+e edit\s+R render\s+Space select\s+.*\? help\s+q \/ Ctrl-C quit$/;
  await waitForFrame(
    app,
    (f) => footer.test(plain(f).split("\n").at(-1) ?? ""),
    "the review keys in the footer",
  );
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Review screen"), "the help"));
  for (
    const expected of [
      "show dropped",
      "details",
      "previous / next episode",
      "pick an episode",
      "approve all or selected",
      "reject all or selected",
      "unselect all",
      "↑↓ j k",
      "analyse",
      "render",
    ]
  ) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("next field"), "a key of the form is listed in the list's help");
});

Deno.test("the view keeps what a review answered over an older reload, keeps the cursor on its expression, and counts states", () => {
  const view = new ReviewView();
  view.setLibrary(episodes());
  view.setCounts(summarise(expressions()));
  assertEquals(view.episodeId, 1, "not the first episode with expressions");
  assertEquals(view.analysed, [1, 2, 4]);
  view.setExpressions(1, expressions().filter((e) => e.episodeId === 1));
  view.move(1, 10);
  assertEquals(view.current?.id, 12);

  const approved = { ...view.current!, status: "approved" as const, updatedAt: "2026-11-21T10:00:01.000Z" };
  view.applyUpdates([approved]);
  // A reload that left before the review was answered still has it pending.
  view.setExpressions(1, expressions().filter((e) => e.episodeId === 1 && e.id !== 11));
  assertEquals(view.rows.map((e) => [e.id, e.status]), [[12, "approved"], [13, "pending"], [14, "pending"]]);
  assertEquals(view.current?.id, 12, "the cursor left its expression");
  assertEquals(view.counts.get(1), { pending: 2, approved: 1, rejected: 0, dropped: 1, sample: false });

  view.toggle();
  view.toggleDropped();
  assertEquals(view.rows.length, 4);
  assertEquals(view.targets("one"), [12]);
  view.clear();
  assertEquals(view.targets("pending"), [13, 14], "a dropped one is not pending");
  view.toggleDropped();
  view.selectEpisode(3);
  assertEquals([view.loaded, view.rows.length, view.selection.size], [false, 0, 0]);
});

Deno.test("the form's fields: only changed ones become edits, a list is compared item by item, a translation keeps the other languages", () => {
  const base = expression({ id: 1, episodeId: 1, text: "break the ice" });
  const two = {
    ...base,
    translations: [
      ...base.translations,
      { language: "fr", expression: "briser la glace", line: "…", title: "Apprends" },
    ],
  };
  const form = new ExpressionForm(two);
  assertEquals(form.result(), { kind: "unchanged" });
  const set = (name: string, text: string) => {
    const field = form.fields.find((f) => f.name === name)!;
    field.value = textField(text);
  };
  set("similar", " a similar one ,another,, ");
  set("text", "break the ice ");
  assertEquals(form.result(), { kind: "unchanged" }, "whitespace and list spelling count as changes");
  set("translation", "romper el hielo");
  assertEquals(form.result(), {
    kind: "edits",
    edits: {
      translations: [
        {
          language: "es",
          expression: "romper el hielo",
          line: base.translations[0].line,
          title: base.translations[0].title,
        },
        two.translations[1],
      ],
    },
  });
  set("text", "");
  assertEquals(form.result(), { kind: "invalid", error: "The expression cannot be empty.", field: 0 });
  assertEquals(
    new ExpressionForm({ ...base, translations: [] }).fields.length,
    5,
    "no translation fields without one",
  );
});

Deno.test("editText types at the cursor, deletes either side, and moves with arrows and Home/End", () => {
  const key = (over: Record<string, boolean> = {}) => ({
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...over,
  });
  let field = textField("héllo");
  field = editText(field, "", key({ leftArrow: true }))!;
  field = editText(field, "", key({ leftArrow: true }))!;
  field = editText(field, "XY", key())!;
  assertEquals(field, { text: "hélXYlo", cursor: 5 });
  field = editText(field, "", key({ backspace: true }))!;
  field = editText(field, "", key({ delete: true }))!;
  assertEquals(field, { text: "hélXo", cursor: 4 });
  field = editText(field, "", key({ home: true }))!;
  assertEquals(field.cursor, 0);
  assertEquals(editText(field, "", key({ backspace: true })), field);
  field = editText(field, "", key({ end: true }))!;
  assertEquals(editText(field, "u", key({ ctrl: true })), { text: "", cursor: 0 });
  assertEquals(editText(field, "", key({ return: true })), undefined);
  assertEquals(editText(field, "", key({ leftArrow: true }), { moveKeys: false }), undefined);
});
