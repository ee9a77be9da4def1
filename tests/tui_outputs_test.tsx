/**
 * The Outputs screen rendered with ink-testing-library and a fake client: rows and details,
 * marking one video and a selection, the filter, reloading on `render.done` and `r`, the empty
 * state, 80x24 and NO_COLOR, footer and help; and `R` on the Review screen, which renders the
 * group of the expression under the cursor.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { Render } from "../shared/render.ts";
import type { AppEvent } from "../shared/schemas.ts";
import { truncateStart } from "../tui/format.ts";
import { OutputsView } from "../tui/outputs_view.ts";
import { plainTheme } from "../tui/theme.ts";
import {
  colourCodes,
  episode,
  expression,
  FakeClient,
  forceColours,
  mount,
  plain,
  type Rendered,
  renderOf,
  resize,
  rpcError,
  settle,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

const ESC = "\x1b";
const ENTER = "\r";
const BACKSPACE = "\x7f";

/** Three videos, newest first: a long one, a Short, and an older marked Short of two expressions. */
function renders(): Render[] {
  return [
    renderOf({
      id: 3,
      text: "call it a day",
      kind: "long",
      groupId: 2,
      durationMs: 130_000,
      sizeBytes: 12_300_000,
      createdAt: "2026-11-21T11:00:00.000Z",
    }),
    renderOf({ id: 2, text: "break the ice", groupId: 1, createdAt: "2026-11-21T10:30:00.000Z" }),
    {
      ...renderOf({
        id: 1,
        text: "spill the beans",
        groupId: 3,
        episodeId: 4,
        marked: true,
        sizeBytes: 3_900_000,
        durationMs: 44_000,
        path: "/data/outputs/talk-show/S02E05/spill-the-beans-e41-short.mp4",
        createdAt: "2026-11-20T09:00:00.000Z",
      }),
      sidecarPath: "/data/outputs/talk-show/S02E05/spill-the-beans-e41-short.json",
      sidecar: {
        ...renderOf({ id: 1, text: "spill the beans" }).sidecar,
        source: { show: "Talk Show", episode: "S02E05", startMs: 60_000, endMs: 84_000 },
        expressions: [{ id: 41, text: "spill the beans" }, { id: 42, text: "a piece of cake" }],
      },
    },
  ];
}

function outputsClient(list = renders()): FakeClient {
  const fake = new FakeClient();
  fake.renders = list;
  return fake;
}

/** Shows the Outputs screen of `fake` at `columns`x`rows` and waits for `text`. */
async function openOutputs(
  fake: FakeClient,
  text = "call it a day",
  columns = 80,
  rows = 24,
): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "outputs" }));
  resize(app, columns, rows);
  await waitForFrame(app, (f) => f.includes(text), `the outputs screen showing "${text}"`);
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

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The list row of the video whose expressions begin with `text` (the one with a selection mark). */
const rowOf = (frame: string, text: string): string =>
  plain(frame).split("\n").find((line) => line.includes(text) && /\[[ x]\]/.test(line)) ?? "";
/** The frame's line that shows the cursor (`›`). */
const cursorLine = (frame: string): string =>
  plain(frame).split("\n").find((line) => line.includes("› [")) ?? "";
/** The text inside the frame's panels as one line, spaces collapsed: what wraps over lines reads whole. */
const joined = (frame: string): string =>
  plain(frame).split("\n").map((line) => line.replace(/^[│╭╰]\s?/, "").replace(/\s*[│╮╯]$/, "")).join(" ")
    .replace(/\s+/g, " ");

const renderDone = (renderId: number, path: string): AppEvent => ({
  type: "render.done",
  at: new Date().toISOString(),
  source: "test:1",
  data: { renderId, groupId: 9, kind: "short", path, durationMs: 50_000 },
});

Deno.test("the outputs screen lists videos newest first: kind, length, size, expressions, show and episode, ★, and the path cut from the left", async () => {
  const fake = outputsClient();
  using app = await openOutputs(fake, "call it a day", 180, 30);
  const frame = frameOf(app);
  assertStringIncludes(frame, "Outputs — 3 videos · 1 ★");
  assertMatch(
    rowOf(frame, "call it a day"),
    /› \[ \] {3}long\s+2:10\s+12 MB\s+call it a day\s+Sample Show S01E01\s+\/data\/outputs\/sample-show\/S01E01\/call-it-a-day-e30-long\.mp4/,
  );
  assertMatch(
    rowOf(frame, "break the ice"),
    /\[ \] {3}short\s+0:58\s+4\.2 MB\s+break the ice\s+Sample Show S01E01/,
  );
  assertMatch(
    rowOf(frame, "spill the beans"),
    /\[ \] ★ short\s+0:44\s+3\.9 MB\s+spill the beans, a piece of cake\s+Talk Show S02E05/,
  );
  const order = ["call it a day", "break the ice", "spill the beans"].map((text) =>
    frame.indexOf(rowOf(frame, text))
  );
  assertEquals([...order].sort((a, b) => a - b), order, "not newest first");
  assertEquals(fake.renderListCalls, [undefined]);

  // The details of the video under the cursor, below the list.
  assertStringIncludes(frame, "long · 2:10 · 1920x1080 · 12 MB · rendered in 23.4 s");
  assertStringIncludes(frame, "not marked: m marks it for the publishing calendar");
  assertStringIncludes(frame, "From: Sample Show S01E01 · scene 1:47.0–2:10.0");
  assertStringIncludes(frame, "Title es: Aprende «call it a day» | Sample Show");

  await press(app, "j", "j");
  const next = await waitForFrame(app, (f) => cursorLine(f).includes("spill the beans"), "j twice");
  assertStringIncludes(plain(next), "★ marked for the publishing calendar");
  assertStringIncludes(plain(next), "From: Talk Show S02E05 · scene 1:00.0–1:24.0");

  // At 80 columns the path keeps its end: the file name, not the output directory.
  resize(app, 80, 24);
  const narrow = await waitForFrame(
    app,
    (f) => plain(f).split("\n").every((line) => [...line].length <= 80),
    "the list at 80 columns",
  );
  const row = rowOf(narrow, "call it a day");
  assertMatch(row, /…[-a-z0-9/]*-e30-long\.mp4 │$/, row);
  assertFalse(row.includes("/data/outputs"), row);
});

Deno.test("Enter shows every detail of a video: titles per language, description, tags, resolution, render time, path and sidecar; it scrolls, Esc goes back", async () => {
  using app = await openOutputs(outputsClient());
  await press(app, "j", ENTER);
  const details = plain(await waitForFrame(app, (f) => f.includes("short, 2 of 3"), "the whole details"));
  assertStringIncludes(details, "break the ice — short, 2 of 3");
  assertStringIncludes(details, "short · 0:58 · 1080x1920 · 4.2 MB · rendered in 23.4 s");
  assertStringIncludes(details, "Title es: Aprende «break the ice» | Sample Show");
  assertStringIncludes(details, 'Title en: "break the ice" — learn it from Sample Show');
  assertStringIncludes(details, "Video: /data/outputs/sample-show/S01E01/break-the-ice-e20-short.mp4");
  assertStringIncludes(details, "Sidecar: /data/outputs/sample-show/S01E01/break-the-ice-e20-short.json");
  assertStringIncludes(details, 'Description: “break the ice” — what "break the ice" means');
  // The description wraps under its label, paragraph by paragraph.
  assertStringIncludes(
    joined(details),
    "Clip from Sample Show S01E01 (00:01:47–00:02:10), used for language",
  );
  assertStringIncludes(details, "Tags: break the ice, Sample Show, learn english");
  assertStringIncludes(details, "Audio: en · made for kids: no");

  // Scrolls at a size where the details do not fit.
  resize(app, 80, 14);
  await waitForFrame(app, (f) => !f.includes("Audio: en"), "the details cut at 14 rows");
  await press(app, "j", "j", "j", "j", "j", "j", "j", "j", "j", "j");
  await waitForFrame(app, (f) => f.includes("Audio: en"), "scrolled to the end");
  resize(app, 80, 24);
  await press(app, ESC);
  await waitForFrame(app, (f) => cursorLine(f).includes("break the ice"), "Esc back to the list");
});

Deno.test("m marks the video under the cursor for the calendar (★ at once), m again unmarks it", async () => {
  const fake = outputsClient();
  using app = await openOutputs(fake);
  await press(app, "j", "m");
  await until(() => fake.markCalls.length === 1, "renders.mark to be called");
  assertEquals(fake.markCalls[0], { ids: [2], marked: true });
  let frame = await waitForFrame(app, (f) => f.includes("★ Marked"), "the mark's message");
  assertMatch(rowOf(frame, "break the ice"), /› \[ \] ★ short/);
  assertStringIncludes(plain(frame), '★ Marked "break the ice" (short) for the publishing calendar');
  assertStringIncludes(plain(frame), "3 videos · 2 ★");
  assertStringIncludes(plain(frame), "★ marked for the publishing calendar");

  // Keys faster than the daemon answers: the second m sees the first one's mark.
  await press(app, "m", "m", "m");
  await until(() => fake.markCalls.length === 4, "three more calls");
  assertEquals(fake.markCalls.slice(1).map((call) => call.marked), [false, true, false]);
  frame = await waitForFrame(app, (f) => f.includes("Unmarked"), "unmarked");
  assertMatch(rowOf(frame, "break the ice"), /› \[ \] {3}short/);
  assertFalse(fake.renders.find((r) => r.id === 2)?.marked);
});

Deno.test("Space selects several videos; m marks them all in one call, and unmarks them once all are marked", async () => {
  const fake = outputsClient();
  using app = await openOutputs(fake);
  await press(app, " ", "j", "j", " ");
  let frame = await waitForFrame(app, (f) => f.includes("2 selected"), "two selected");
  assertMatch(rowOf(frame, "call it a day"), /\[x\] {3}long/);
  assertMatch(rowOf(frame, "spill the be"), /\[x\] ★ short/);
  assertStringIncludes(plain(frame), "2 selected: m marks or unmarks them, Esc unselects");
  await waitForFrame(
    app,
    (f) => (plain(f).split("\n").at(-1) ?? "").includes("m mark / unmark selected"),
    "the footer saying what m does now",
  );

  await press(app, "m");
  await until(() => fake.markCalls.length === 1, "one mark call");
  assertEquals(fake.markCalls[0], { ids: [3, 1], marked: true }, "one is unmarked: both get marked");
  frame = await waitForFrame(app, (f) => f.includes("★ Marked 2 videos"), "the bulk message");
  assertMatch(rowOf(frame, "call it a day"), /\[ \] ★ long/);
  assertMatch(rowOf(frame, "spill the be"), /\[ \] ★ short/);
  assertMatch(rowOf(frame, "break the ice"), /\[ \] {3}short/);
  assertFalse(plain(frame).includes("selected"), "the selection stayed after marking");

  await press(app, " ", "g", " ", "m");
  await until(() => fake.markCalls.length === 2, "the second call");
  assertEquals(fake.markCalls[1], { ids: [3, 1], marked: false });
  frame = await waitForFrame(app, (f) => f.includes("Unmarked 2 videos"), "unmarked both");
  assertFalse(rowOf(frame, "call it a day").includes("★"));
  assertFalse(rowOf(frame, "spill the be").includes("★"));
});

Deno.test("a mark the daemon refuses is undone and says why", async () => {
  const fake = outputsClient();
  fake.markError = rpcError("NOT_FOUND", "Render 3 does not exist.");
  using app = await openOutputs(fake);
  await press(app, "m");
  const frame = await waitForFrame(app, (f) => f.includes("NOT_FOUND"), "the error");
  assertStringIncludes(
    joined(frame),
    '✗ Could not mark "call it a day" (long): NOT_FOUND: Render 3 does not exist.',
  );
  assertMatch(rowOf(frame, "call it a day"), /› \[ \] {3}long/);
});

Deno.test("/ filters by expression, show or path as it is typed; Enter keeps the filter, Esc clears it", async () => {
  const fake = outputsClient();
  using app = await openOutputs(fake);
  await press(app, "/", ..."talk");
  let frame = await waitForFrame(app, (f) => !f.includes("call it a day"), "the filter by show");
  assertStringIncludes(plain(frame), "spill the beans");
  assertStringIncludes(plain(frame), "/talk");
  assertStringIncludes(plain(frame), "1 of 3 videos");

  await press(app, BACKSPACE, BACKSPACE, BACKSPACE, BACKSPACE, ..."e30-long");
  frame = await waitForFrame(app, (f) => rowOf(f, "call it a day") !== "" && !f.includes("spill"), "by path");
  await press(app, ENTER);
  frame = await waitForFrame(app, (f) => f.includes('filter: "e30-long"'), "the filter kept");
  assertFalse(plain(frame).includes("break the ice"));

  // j and k move again once the filter is kept; Esc clears it.
  await press(app, ESC);
  frame = await waitForFrame(app, (f) => f.includes("break the ice") && f.includes("spill"), "all again");
  assertStringIncludes(plain(frame), "Outputs — 3 videos");

  await press(app, "/", ..."nothing like it");
  frame = await waitForFrame(app, (f) => f.includes("No video matches"), "no match");
  assertStringIncludes(plain(frame), 'No video matches "nothing like it". Esc clears the filter.');
  await press(app, ESC);
  await waitForFrame(app, (f) => f.includes("break the ice"), "the filter cleared");
});

Deno.test("render.done reloads the list: the new video shows first and the cursor stays on its video; r reloads too", async () => {
  const fake = outputsClient();
  using app = await openOutputs(fake);
  await press(app, "j");
  await waitForFrame(app, (f) => cursorLine(f).includes("break the ice"), "the cursor on the second");

  const fresh = renderOf({ id: 4, text: "hit the road", createdAt: "2026-11-21T12:00:00.000Z" });
  fake.renders = [fresh, ...fake.renders];
  fake.emit(renderDone(4, fresh.path));
  const frame = await waitForFrame(app, (f) => f.includes("hit the road"), "the new video");
  assertStringIncludes(plain(frame), "Outputs — 4 videos");
  assert(plain(frame).indexOf("hit the road") < plain(frame).indexOf("call it a day"), "not first");
  assertMatch(cursorLine(frame), /break the ice/);
  assertEquals(fake.renderListCalls.length, 2);

  fake.renders = fake.renders.filter((r) => r.id !== 3);
  await press(app, "r");
  await waitForFrame(app, (f) => !f.includes("call it a day"), "r to reload");
  assertEquals(fake.renderListCalls.length, 3);
});

Deno.test("with no videos the outputs screen says how to get some: review on screen 3, then R", async () => {
  const fake = outputsClient([]);
  using app = await openOutputs(fake, "No videos rendered yet");
  const frame = joined(frameOf(app));
  assertStringIncludes(frame, "Outputs — 0 videos");
  assertStringIncludes(frame, "review an episode's expressions on the Review screen (3), then press R");
  assertStringIncludes(frame, "m marks it for the publishing calendar");
  // Only the keys that do something without rows are offered.
  const footer = plain(
    await waitForFrame(
      app,
      (f) => /^\/ filter\s+r reload\s+1-6 switch screen/.test(plain(f).split("\n").at(-1) ?? ""),
      "the footer",
    ),
  ).split("\n").at(-1) ?? "";
  assertFalse(footer.includes("m mark"));

  fake.renders = [renderOf({ id: 1 })];
  fake.emit(renderDone(1, fake.renders[0].path));
  await waitForFrame(app, (f) => f.includes("break the ice"), "the first video");
});

Deno.test("at 80x24 the outputs screen fits in every mode; without colours (NO_COLOR) marks read from ★ and [x]", async () => {
  const fake = outputsClient();
  fake.renders[0] = renderOf({
    id: 3,
    kind: "long",
    text: "an expression that goes on and on ".repeat(4).trim(),
  });
  using _colours = forceColours();
  using app = mount(fake.app({ initialScreen: "outputs", theme: plainTheme }));
  resize(app, 80, 24);
  for (
    const [keys, shows] of [[[], "Talk Show"], [[" ", "j"], "1 selected"], [[ENTER], "Description:"], [
      ["/"],
      "Enter keeps the filter",
    ]] as const
  ) {
    await press(app, ...keys);
    const frame = plain(await waitForFrame(app, (f) => f.includes(shows), shows));
    const lines = frame.split("\n");
    assert(lines.length <= 24, `${lines.length} lines:\n${frame}`);
    for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
    if (keys.length === 0) {
      assertMatch(rowOf(frame, "spill the be"), /\[ \] ★ short/);
      assertMatch(rowOf(frame, "an expr"), /\[ \] {3}long\s+0:58\s+4\.2 MB\s+an expr\S*…/);
    }
    if (shows === "Description:") await press(app, ESC);
  }
  assertEquals(colourCodes(app.frames.join("")), []);
});

Deno.test("the footer and the help list the outputs keys", async () => {
  using app = await openOutputs(outputsClient());
  const footer = /^m mark\s+Space select\s+Enter details\s+\/ filter\s+.*\? help\s+q \/ Ctrl-C quit$/;
  await waitForFrame(
    app,
    (f) => footer.test(plain(f).split("\n").at(-1) ?? ""),
    "the outputs keys in the footer",
  );
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Outputs screen"), "the help"));
  for (
    const expected of ["mark", "select", "details", "filter", "reload", "clear selection, filter", "↑↓ j k"]
  ) {
    assertStringIncludes(help, expected);
  }
  assertMatch(help, /4\s+Outputs/);
  assertFalse(help.includes("keep the filter"), "a key of the filter is listed in the list's help");
});

Deno.test("hundreds of videos: only the window is rendered, and G and g reach both ends", async () => {
  const fake = outputsClient(
    Array.from({ length: 800 }, (_, i) => renderOf({ id: 800 - i, text: `expression number ${800 - i}` })),
  );
  using app = await openOutputs(fake, "expression number 800", 140, 24);
  await press(app, "G");
  let frame = await waitForFrame(app, (f) => cursorLine(f).includes("expression number 1 "), "the last row");
  assert(frame.split("\n").length <= 24, frame);
  assert(plain(frame).split("\n").filter((line) => /\[[ x]\]/.test(line)).length <= 10, frame);
  await press(app, "g");
  frame = await waitForFrame(app, (f) => cursorLine(f).includes("expression number 800"), "the first row");
});

// ---------------------------------------------------------------------------------------------
// R on the Review screen

function reviewClient(): FakeClient {
  const fake = new FakeClient();
  fake.episodes = [episode({ id: 1, show: "Sample Show", season: 1, episode: 1, title: "Pilot" })];
  fake.expressions = [
    expression({ id: 11, episodeId: 1, text: "break the ice", groupId: 7 }),
    expression({ id: 12, episodeId: 1, text: "call it a day", groupId: null }),
  ];
  return fake;
}

async function openReview(fake: FakeClient): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "review" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("break the ice"), "the review screen");
  return app;
}

Deno.test("R on the Review screen renders the group of the expression under the cursor: rendering…, then where the videos are", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await waitForFrame(app, (f) => (plain(f).split("\n").at(-1) ?? "").includes("R render"), "R in the footer");
  await press(app, "R");
  await until(() => fake.renderCalls.length === 1, "renders.create to be called");
  assertEquals(fake.renderCalls[0].input, { groupId: 7 });
  await waitForFrame(
    app,
    (f) => joined(f).includes('Rendering "break the ice" (group 7)… (this takes a minute)'),
    "rendering",
  );
  // One at a time: R again while it runs asks for nothing.
  await press(app, "R");
  await settle();
  assertEquals(fake.renderCalls.length, 1);

  const made = [
    renderOf({ id: 1, groupId: 7, expressionIds: [11] }),
    renderOf({ id: 2, groupId: 7, expressionIds: [11], kind: "long" }),
  ];
  fake.renderCalls[0].resolve(made);
  const frame = joined(await waitForFrame(app, (f) => f.includes("Rendered 2 videos"), "the outcome"));
  assertStringIncludes(
    frame,
    "(screen 4 lists them): /data/outputs/sample-show/S01E01/break-the-ice-e11-short.mp4",
  );
  assertStringIncludes(frame.replaceAll(" ", ""), "break-the-ice-e11-long.mp4");
});

Deno.test("R shows the daemon's error whole; on an expression without a group it says there is nothing to render", async () => {
  const fake = reviewClient();
  using app = await openReview(fake);
  await press(app, "R");
  await until(() => fake.renderCalls.length === 1, "renders.create");
  fake.renderCalls[0].reject(
    rpcError(
      "UNPROCESSABLE_CONTENT",
      "Cannot render group 7 (short) from /media/Sample Show/S01E01.mkv: ffmpeg exited with code 1: " +
        "Invalid data found when processing input",
    ),
  );
  const frame = joined(await waitForFrame(app, (f) => f.includes("Render failed"), "the error"));
  assertStringIncludes(
    frame,
    "✗ Render failed: UNPROCESSABLE_CONTENT: Cannot render group 7 (short) from /media/Sample Show/S01E01.mkv: " +
      "ffmpeg exited with code 1: Invalid data found when processing input",
  );

  await press(app, "j", "R");
  await waitForFrame(app, (f) => f.includes("belongs to no group"), "no group");
  assertStringIncludes(
    joined(frameOf(app)),
    '"call it a day" belongs to no group, so there is nothing to render',
  );
  assertEquals(fake.renderCalls.length, 1);
});

// ---------------------------------------------------------------------------------------------
// The view and formatting

Deno.test("the view keeps marks sent and not answered over a reload, and a failed mark goes back to what it was", () => {
  const view = new OutputsView();
  view.setRenders(renders());
  assertEquals(view.markTargets(), { ids: [3], marked: true });
  const first = view.beginMark([3], true);
  assert(view.render(3)?.marked);
  // A reload that set out before the mark was answered does not undo it.
  view.setRenders(renders());
  assert(view.render(3)?.marked, "the reload undid the mark");
  const second = view.beginMark([3], false);
  view.endMark(first, [{ ...renders()[0], marked: true }]);
  assertFalse(view.render(3)?.marked, "the first answer undid the second call");
  view.endMark(second, undefined);
  assert(view.render(3)?.marked, "a failed unmark did not go back to marked");

  view.toggle();
  view.move(2, 10);
  view.toggle();
  assertEquals(view.markTargets(), { ids: [3, 1], marked: false }, "all selected are marked");
  view.setFilter("beans");
  assertEquals(view.rows.map((r) => r.id), [1]);
  assertEquals(view.hiddenSelected, 1);
  assertEquals(view.current?.id, 1, "the cursor left its video");
});

Deno.test("truncateStart keeps the end of a path", () => {
  assertEquals(truncateStart("/a/b/file.mp4", 20), "/a/b/file.mp4");
  assertEquals(truncateStart("/data/outputs/show/file.mp4", 10), "…/file.mp4");
  assertEquals(truncateStart("abc", 0), "");
});
