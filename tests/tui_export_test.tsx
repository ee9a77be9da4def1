/**
 * Exports from the TUI, rendered with ink-testing-library and a fake client: `e` on the Library
 * opens the export form for the selection (or the episode under the cursor), Enter calls
 * `export.anki` with the chosen options and an id of its own, the progress follows the
 * `export.progress` events of that id, then the file, the counts, the media folder and the
 * warnings show; Esc while it runs calls `export.cancel`; the daemon's refusals stay in the
 * form. On the Jobs screen `e` exports the batch under the cursor, and the jobs show their
 * export stage and the file they exported.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { exportOptionsSchema } from "../shared/export.ts";
import type { Episode } from "../shared/schemas.ts";
import { ExportForm, optionRange } from "../tui/export_form.ts";
import {
  episode,
  exportProgressEvent,
  exportResultOf,
  FakeClient,
  jobOf,
  joined,
  KEYS,
  mount,
  plain,
  press,
  type Rendered,
  resize,
  rpcError,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

const { ENTER, ESC, TAB, SHIFT_TAB, RIGHT, BACKSPACE, CTRL_U } = KEYS;

function sampleEpisodes(): Episode[] {
  return [
    episode({ id: 1, show: "Alpha Show", season: 1, episode: 1, title: "Pilot" }),
    episode({ id: 2, show: "Alpha Show", season: 1, episode: 2, title: "The Second" }),
    episode({ id: 3, show: "Alpha Show", season: 1, episode: 3, title: "Third" }),
    episode({ id: 4, show: "Beta Show", season: 1, episode: 1, title: "Quiet One" }),
  ];
}

/** Shows the Library of a client with {@link sampleEpisodes} at 80x24 and waits for its rows. */
async function openLibrary(fake: FakeClient): Promise<Rendered> {
  fake.episodes = sampleEpisodes();
  const app = mount(fake.app({ initialScreen: "library" }));
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("The Second"), "the library's rows");
  return app;
}

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The form's line for the field labelled `label`. */
const fieldLine = (frame: string, label: string): string =>
  plain(frame).split("\n").find((line) => new RegExp(`│ [› ] ${label} `).test(line)) ?? "";
/** The footer: the frame's last line. */
const footerOf = (frame: string): string => plain(frame).trimEnd().split("\n").at(-1) ?? "";

/** The id `export.anki` was called with the `n`th time. */
function exportIdOf(fake: FakeClient, n = 0): string {
  const id = fake.exportCalls[n]?.input.exportId;
  if (id === undefined) throw new Error(`export.anki call ${n} has no exportId`);
  return id;
}

Deno.test("e opens the export form for the selection; Enter exports with the chosen options, shows the progress of that export, then the file", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  // Rows: the Alpha group header, episodes 1–3, the Beta header, episode 4.
  await press(app, "j", " ", "j", "j", " ", "e");
  const form = plain(await waitForFrame(app, (f) => f.includes("Export —"), "the export form"));
  assertStringIncludes(form, "Export — 2 episodes: Alpha Show S01E01, S01E03");
  // The daemon's defaults.
  assertMatch(fieldLine(form, "Format"), /● anki {2}○ csv {2}○ tsv {2}○ json/);
  assertMatch(fieldLine(form, "Pad before ms"), /Pad before ms\s+250\s/);
  assertMatch(fieldLine(form, "Pad after ms"), /Pad after ms\s+250\s/);
  assertMatch(fieldLine(form, "Lines before"), /Lines before\s+0\s/);
  assertMatch(fieldLine(form, "Lines after"), /Lines after\s+0\s/);
  assertMatch(fieldLine(form, "Shift ms"), /Shift ms\s+0\s/);
  assertMatch(fieldLine(form, "Pending too"), /● no {2}○ yes/);
  assertStringIncludes(form, "anki: an Anki package (.apkg)");
  assertEquals(fake.exportCalls, [], "nothing is exported before Enter");

  // csv; padding 500 and 300; a line of context before, two after; shift -200; pending too.
  await press(app, RIGHT, TAB, CTRL_U, "5", "0", "0", TAB, BACKSPACE, BACKSPACE, "0", "0");
  await press(app, TAB, CTRL_U, "1", TAB, CTRL_U, "2", TAB, CTRL_U, "-", "2", "0", "0", TAB, " ");
  const chosen = plain(await waitForFrame(app, (f) => /● yes/.test(plain(f)), "the options chosen"));
  assertMatch(fieldLine(chosen, "Format"), /○ anki {2}● csv/);
  assertMatch(fieldLine(chosen, "Pad after ms"), /Pad after ms\s+200\s/);
  await press(app, ENTER);
  await until(() => fake.exportCalls.length === 1, "export.anki");
  const exportId = exportIdOf(fake);
  assertMatch(exportId, /^[\w-]{1,80}$/, "the daemon takes only such ids");
  assertEquals(fake.exportCalls[0].input, {
    episodeIds: [1, 3],
    format: "csv",
    options: {
      paddingBeforeMs: 500,
      paddingAfterMs: 200,
      contextLinesBefore: 1,
      contextLinesAfter: 2,
      shiftMs: -200,
      includePending: true,
    },
    exportId,
  });
  await waitForFrame(app, (f) => f.includes("Exporting 2 episodes"), "the export running");
  assertMatch(frameOf(app), /░{40} 0%/);

  fake.emit(exportProgressEvent(exportId, 45));
  await waitForFrame(app, (f) => f.includes("45%"), "the progress");
  // Another export's progress is not this one's.
  fake.emit(exportProgressEvent("someone-else", 90));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const running = frameOf(app);
  assertMatch(running, /█{18}░{22} 45%/);
  assertFalse(running.includes("90%"), "another export's progress was shown");
  assertMatch(footerOf(running), /^Esc cancel the export/);

  fake.exportCalls[0].resolve(exportResultOf({
    format: "csv",
    path: "/data/outputs/decks/alpha-show.csv",
    mediaDir: "/data/outputs/decks/alpha-show.media",
    notes: 7,
    cards: 14,
    mediaFiles: 14,
    warnings: ["Alpha Show S01E03 ‘break the ice’: no audio track, the note has no sound"],
  }));
  const done = plain(await waitForFrame(app, (f) => f.includes("File:"), "the result"));
  const text = joined(done);
  assertStringIncludes(text, "✓ Exported 7 notes, 14 cards, 14 media files (csv) in 3.4 s");
  assertStringIncludes(text, "File: /data/outputs/decks/alpha-show.csv");
  assertStringIncludes(text, "Deck: lingoreel::Sample Show");
  assertStringIncludes(
    text,
    "Media: /data/outputs/decks/alpha-show.media (copy its files into Anki's collection.media folder)",
  );
  assertStringIncludes(text, "▲ 1 warning:");
  assertStringIncludes(text, "Alpha Show S01E03 ‘break the ice’: no audio track");
  assert(done.split("\n").every((line) => [...line].length <= 80), done);
  assertMatch(footerOf(done), /^Enter \/ Esc close/);

  // Late progress of a finished export changes nothing.
  fake.emit(exportProgressEvent(exportId, 100));
  await press(app, ENTER);
  const library = plain(await waitForFrame(app, (f) => f.includes("Library —"), "back to the library"));
  assertStringIncludes(library, "✓ Exported 7 notes to /data/outputs/decks/alpha-show.csv");
  assertStringIncludes(library, "2 selected", "the selection is kept for another export");
});

Deno.test("Esc while the export runs cancels it with export.cancel; the form says so and can export again", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  await press(app, "j", "e");
  await waitForFrame(app, (f) => f.includes("Export — 1 episode: Alpha Show S01E01"), "the form");
  await press(app, ENTER);
  await until(() => fake.exportCalls.length === 1, "export.anki");
  const exportId = exportIdOf(fake);
  assertEquals(fake.exportCalls[0].input, { episodeIds: [1], format: "anki", options: defaults(), exportId });
  fake.emit(exportProgressEvent(exportId, 30));
  await waitForFrame(app, (f) => f.includes("30%"), "the progress");

  // Other keys do nothing to the export: the fields are not edited, nothing is cancelled; the
  // other screens can be seen meanwhile, and the export is still there on coming back.
  await press(app, "j", "9", BACKSPACE, TAB);
  await waitForFrame(app, (f) => !f.includes("Export —"), "the next screen");
  fake.emit(exportProgressEvent(exportId, 55));
  await press(app, "2");
  const back = plain(await waitForFrame(app, (f) => f.includes("55%"), "the export, still running"));
  assertMatch(fieldLine(back, "Pad before ms"), /Pad before ms\s+250\s/);
  assertEquals(fake.exportCancels, []);
  await press(app, ESC);
  await until(() => fake.exportCancels.length === 1, "export.cancel");
  assertEquals(fake.exportCancels, [exportId]);
  const cancelled = plain(await waitForFrame(app, (f) => f.includes("Export cancelled"), "the cancel"));
  assertStringIncludes(joined(cancelled), "Export cancelled: no file was written.");
  assertFalse(cancelled.includes("%"), "the progress bar is still shown");
  assertMatch(fieldLine(cancelled, "Format"), /● anki/);

  // The form is editable again, and a new export gets a new id.
  await press(app, RIGHT, RIGHT, RIGHT, ENTER);
  await until(() => fake.exportCalls.length === 2, "the second export.anki");
  assertEquals(fake.exportCalls[1].input.format, "json");
  assert(exportIdOf(fake, 1) !== exportId, "the same exportId twice");
  await press(app, ESC);
  await until(() => fake.exportCancels.length === 2, "the second export.cancel");
  await waitForFrame(app, (f) => f.includes("Export cancelled"), "the second cancel");
  await press(app, ESC);
  await waitForFrame(app, (f) => f.includes("Library — 4 episodes"), "Esc closes the form");
  assertEquals(fake.exportCalls.length, 2);
});

Deno.test("the daemon's refusal and invalid options are shown in the form; nothing invalid is sent", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  await press(app, "j", "e");
  await waitForFrame(app, (f) => f.includes("Export —"), "the form");

  await press(app, TAB, CTRL_U, "a", "b", "c", ENTER);
  let frame = plain(await waitForFrame(app, (f) => f.includes("✗ Pad before ms"), "the number error"));
  assertStringIncludes(joined(frame), '✗ Pad before ms is a whole number from 0–5,000, not "abc".');
  await press(app, CTRL_U, "1", "0", TAB, TAB, TAB, CTRL_U, "9", ENTER);
  frame = plain(await waitForFrame(app, (f) => f.includes("✗ Lines after"), "the range error"));
  assertStringIncludes(joined(frame), '✗ Lines after is a whole number from 0–5, not "9".');
  assertMatch(fieldLine(frame, "Lines after"), /^│ › Lines after/, "the focus is on the wrong field");
  assertEquals(fake.exportCalls, []);

  await press(app, BACKSPACE, "3", ENTER);
  await until(() => fake.exportCalls.length === 1, "export.anki");
  assertEquals(fake.exportCalls[0].input.options, {
    ...defaults(),
    paddingBeforeMs: 10,
    contextLinesAfter: 3,
  });
  fake.exportCalls[0].reject(
    rpcError(
      "PRECONDITION_FAILED",
      "Nothing approved to export in Alpha Show S01E01: approve expressions on the Review screen, or export with includePending.",
    ),
  );
  frame = plain(await waitForFrame(app, (f) => f.includes("export.anki failed"), "the refusal"));
  assertStringIncludes(
    joined(frame),
    "✗ export.anki failed: PRECONDITION_FAILED: Nothing approved to export in Alpha Show S01E01: approve",
  );
  assertStringIncludes(frame, "Export — 1 episode", "the form closed on the refusal");
  // Editable again: Pending too → yes, and the error goes once a field changes.
  await press(app, TAB, SHIFT_TAB, TAB, TAB, " ");
  frame = plain(await waitForFrame(app, (f) => /Pending too\s+○ no {2}● yes/.test(plain(f)), "pending yes"));
  assertFalse(frame.includes("export.anki failed"), "the old error stays after an edit");
});

Deno.test("without a selection e exports the episode under the cursor; on a group header it says what to do", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  await press(app, "e");
  await waitForFrame(app, (f) => f.includes("Nothing to export: put the cursor on an episode"), "the hint");
  await press(app, "j", "j", "e");
  await waitForFrame(app, (f) => f.includes("Export — 1 episode: Alpha Show S01E02"), "the form");
  // q on a choice does not quit mid-form; the form's keys are in the footer and the help.
  await press(app, "q");
  assertEquals(fake.closes, 0);
  const footer = footerOf(frameOf(app));
  assertMatch(footer, /^Enter export\s+Esc cancel/);
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Library screen"), "the help"));
  for (const expected of ["export", "next field", "previous field", "change a choice"]) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("rescan"), "a key of the list is listed while the form is open");
});

Deno.test("e is listed with the Library's keys", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Library screen"), "the help"));
  assertMatch(help, /\be\s+export\b/);
});

/** Batch 2 of three jobs: one completed that exported, one exporting, one waiting; batch 1 older. */
function jobsClient(): FakeClient {
  const fake = new FakeClient();
  fake.batches = [
    { id: 2, options: { export: { format: "anki", options: exportOptionsSchema.parse({}) } } },
    { id: 1 },
  ];
  fake.jobs = [
    jobOf({ id: 1, batchId: 1, episodeId: 1, state: "completed", stage: "done", percent: 100, attempts: 1 }),
    jobOf({
      id: 4,
      batchId: 2,
      episodeId: 2,
      state: "completed",
      stage: "done",
      percent: 100,
      attempts: 1,
      exportPath: "/data/outputs/decks/sample-show-s01e02.apkg",
    }),
    jobOf({
      id: 5,
      batchId: 2,
      episodeId: 3,
      state: "active",
      stage: "export",
      percent: 95,
      stagePercent: 50,
      attempts: 1,
    }),
    jobOf({ id: 6, batchId: 2, episodeId: 4 }),
  ];
  return fake;
}

async function openJobs(fake: FakeClient, columns = 120, rows = 36): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "jobs" }));
  resize(app, columns, rows);
  await waitForFrame(app, (f) => f.includes("Sample Show S01E03"), "the jobs screen");
  return app;
}

const lineOf = (frame: string, text: string): string =>
  plain(frame).split("\n").find((l) => l.includes(text)) ?? "";

Deno.test("the Jobs screen shows the export stage, the batch's export option and the file a completed job exported", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  const frame = frameOf(app);
  assertStringIncludes(frame, "Batch 2 — review auto · export anki");
  assertMatch(lineOf(frame, "S01E03"), /S01E03\s+export\s+50%\s+95%\s+×1 ▶ active/);
  assertMatch(
    lineOf(frame, "S01E02"),
    /S01E02\s+done\s+100%\s+×1 ✓ completed\s+→ .*sample-show-s01e02\.apkg/,
  );
  // The log pane of the job under the cursor (the completed one) says the whole path.
  assertStringIncludes(frame, "→ Exported to /data/outputs/decks/sample-show-s01e02.apkg");

  // Without a log pane the status line says it.
  resize(app, 100, 14);
  await press(app, ENTER);
  const small = plain(
    await waitForFrame(app, (f) => f.includes("Exported to /data"), "the path on the status line"),
  );
  assertStringIncludes(small, "Exported to /data/outputs/decks/sample-show-s01e02.apkg");
});

Deno.test("e on the Jobs screen exports the batch under the cursor, with progress, the file, and cancel", async () => {
  const fake = jobsClient();
  using app = await openJobs(fake);
  assertMatch(footerOf(frameOf(app)), /e export batch/);
  await press(app, "e");
  let frame = plain(await waitForFrame(app, (f) => f.includes("Export — batch 2 (3 episodes)"), "the form"));
  assertMatch(footerOf(frame), /^Enter export\s+Esc cancel/);
  // The jobs' keys do nothing while the form is open.
  await press(app, "C", "p");
  assertEquals(fake.actionCalls, []);

  await press(app, ENTER);
  await until(() => fake.exportCalls.length === 1, "export.anki");
  const exportId = exportIdOf(fake);
  assertEquals(fake.exportCalls[0].input, { batchId: 2, format: "anki", options: defaults(), exportId });
  fake.emit(exportProgressEvent(exportId, 60));
  await waitForFrame(app, (f) => f.includes("60%"), "the progress");
  fake.exportCalls[0].resolve(exportResultOf({ warnings: [] }));
  frame = plain(await waitForFrame(app, (f) => f.includes("File:"), "the result"));
  assertStringIncludes(frame, "File: /data/outputs/decks/sample-show-s01e01.apkg");
  assertFalse(frame.includes("Media:"), "an Anki package has no media folder to copy");
  await press(app, ESC);
  frame = plain(await waitForFrame(app, (f) => f.includes("Batches —"), "back to the batches"));
  assertStringIncludes(
    joined(frame),
    "✓ Exported batch 2 (3 episodes): 12 notes to /data/outputs/decks/sample-show-s01e01.apkg",
  );

  // Again, cancelled this time: the batch keys work once the form is closed.
  await press(app, "e", ENTER);
  await until(() => fake.exportCalls.length === 2, "the second export.anki");
  await press(app, ESC);
  await until(() => fake.exportCancels.length === 1, "export.cancel");
  assertEquals(fake.exportCancels, [exportIdOf(fake, 1)]);
  await waitForFrame(app, (f) => f.includes("Export cancelled"), "the cancel");
  await press(app, ESC, "C");
  await until(() => fake.actionCalls.length === 1, "batches.cancel");
  assertEquals(fake.actionCalls, ["batches.cancel 2"]);
});

Deno.test("the export form fits 80x24 with many warnings, saying how many more there are", async () => {
  const fake = new FakeClient();
  using app = await openLibrary(fake);
  await press(app, "j", "e", RIGHT, RIGHT, ENTER);
  await until(() => fake.exportCalls.length === 1, "export.anki");
  assertEquals(fake.exportCalls[0].input.format, "tsv");
  fake.exportCalls[0].resolve(exportResultOf({
    format: "tsv",
    path: "/data/outputs/decks/a-rather-long-directory-name/and-another-one/alpha-show-s01e01-e02-e03.tsv",
    warnings: Array.from({ length: 30 }, (_, i) => `note ${i + 1}: the frame could not be read`),
  }));
  const frame = plain(await waitForFrame(app, (f) => f.includes("more"), "the result"));
  const lines = frame.split("\n");
  assertEquals(lines.length, 24, frame);
  for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
  // The path is wrapped, not cut: all of it is on the screen.
  const path = lines.map((line) => line.replace(/^│ /, "").replace(/\s*│$/, "")).join("");
  assertStringIncludes(
    path,
    "/data/outputs/decks/a-rather-long-directory-name/and-another-one/alpha-show-s01e01-e02-e03.tsv",
  );
  assertStringIncludes(frame, "Options: tsv · padding 250/250 ms · context 0/0 · shift 0 ms · approved only");
  assertStringIncludes(frame, "▲ 30 warnings:");
  assertStringIncludes(frame, "· note 1: the frame could not be read");
  assertStringIncludes(frame, "· note 6: the frame could not be read");
  assertFalse(frame.includes("note 7:"), frame);
  assertStringIncludes(frame, "… and 24 more");
  assertStringIncludes(frame, "Enter or Esc closes this");
});

/** The options the form sends when nothing is changed: the daemon's defaults. */
function defaults() {
  const all = exportOptionsSchema.parse({});
  return {
    paddingBeforeMs: all.paddingBeforeMs,
    paddingAfterMs: all.paddingAfterMs,
    contextLinesBefore: all.contextLinesBefore,
    contextLinesAfter: all.contextLinesAfter,
    shiftMs: all.shiftMs,
    includePending: all.includePending,
  };
}

Deno.test("ExportForm checks each number as the daemon's schema does", () => {
  const form = new ExportForm({ kind: "episodes", episodeIds: [1], description: "1 episode" });
  const request = form.request();
  if (request.kind !== "ok") throw new Error(`defaults refused: ${request.error}`);
  assertEquals(request.options, defaults());
  assertEquals(exportOptionsSchema.parse(request.options), exportOptionsSchema.parse({}));
  for (const [index, field] of form.fields.entries()) {
    if (field.kind !== "text") continue;
    const original = field.value;
    const option = {
      paddingBefore: "paddingBeforeMs",
      paddingAfter: "paddingAfterMs",
      contextBefore: "contextLinesBefore",
      contextAfter: "contextLinesAfter",
      shift: "shiftMs",
    }[field.name] as "paddingBeforeMs";
    const { min, max } = optionRange(option);
    for (const value of [min - 1, min, max, max + 1, min + 0.5]) {
      field.value = { text: String(value), cursor: 0 };
      const result = form.request();
      const daemon = exportOptionsSchema.safeParse({ [option]: value }).success;
      assertEquals(result.kind === "ok", daemon, `${field.name} = ${value}`);
      if (result.kind === "invalid") assertEquals(result.field, index);
      else assertEquals(result.options[option], value);
    }
    field.value = original;
  }
});
