/**
 * The Library screen rendered with ink-testing-library and a fake client: grouping and rows,
 * moving, selecting (one, a group, all, a range), filtering, details with tracks and cues,
 * rescans with progress, and 5,000 episodes.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { Cue, Episode } from "../shared/schemas.ts";
import { fitHints } from "../tui/components/Footer.tsx";
import { wrapText } from "../tui/format.ts";
import { buildRows, groupEpisodes, windowStart } from "../tui/library_rows.ts";
import { LibraryView } from "../tui/library_view.ts";
import {
  episode,
  FakeClient,
  forceColours,
  manyEpisodes,
  mount,
  plain,
  type Rendered,
  resize,
  rpcError,
  settle,
  subtitleTrack,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

/** Three shows, two seasons of one, two films (one sorted among the shows), an unreadable file. */
function sampleEpisodes(): Episode[] {
  return [
    episode({ id: 1, show: "Alpha Show", season: 1, episode: 1, title: "Pilot" }),
    episode({ id: 2, show: "Alpha Show", season: 1, episode: 2, title: "The Second" }),
    episode({
      id: 3,
      show: "Alpha Show",
      season: 1,
      episode: 3,
      episodeEnd: 4,
      title: "Double Trouble",
      durationMs: 3_723_000,
    }),
    episode({
      id: 4,
      show: "Alpha Show",
      season: 2,
      episode: 1,
      title: "New Season",
      subtitleLanguages: ["en"],
    }),
    episode({ id: 5, show: "Alpha Show", season: 2, episode: 2, title: "Finale" }),
    episode({ id: 10, kind: "film", show: "Amelie", season: null, episode: null, title: null, year: 2001 }),
    episode({ id: 6, show: "Beta Show", season: 1, episode: 1, title: "Quiet One", subtitleLanguages: [] }),
    episode({
      id: 7,
      show: "Beta Show",
      season: 1,
      episode: 2,
      title: "Loud One",
      subtitleLanguages: ["de", "en"],
    }),
    episode({
      id: 8,
      show: "Gamma Show",
      season: 1,
      episode: 1,
      title: "Corrupt",
      durationMs: null,
      width: null,
      height: null,
      fps: null,
      videoCodec: null,
      audioTracks: [],
      subtitleLanguages: [],
      probeError: "ffprobe: Invalid data found when processing input",
    }),
    episode({ id: 9, kind: "film", show: "Zed Film", season: null, episode: null, title: null, year: 2010 }),
  ];
}

const cues = (n: number): Cue[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i + 1,
    startMs: 1_000 + i * 2_500,
    endMs: 2_000 + i * 2_500,
    text: i === 0 ? "Hello there.\nGeneral Kenobi." : `Line ${i + 1}`,
  }));

function sampleClient(): FakeClient {
  const fake = new FakeClient();
  fake.episodes = sampleEpisodes();
  fake.tracks.set(2, [
    subtitleTrack({ id: 21, path: "/media/Alpha Show/Season 1/Alpha Show - S1E2.en.srt", sdh: true }),
    subtitleTrack({
      id: 22,
      path: "/media/Alpha Show/Season 1/Alpha Show - S1E2.es.forced.srt",
      language: "es",
      forced: true,
    }),
    subtitleTrack({
      id: 23,
      source: "embedded",
      streamIndex: 3,
      language: "fr",
      format: "hdmv_pgs_subtitle",
      supported: false,
      unsupportedReason: "Bitmap subtitles (PGS) cannot be read as text: add a text .srt next to the video.",
    }),
  ]);
  fake.cues.set(2, cues(10));
  fake.cues.set(
    1,
    rpcError(
      "UNPROCESSABLE_CONTENT",
      "Cannot parse /media/Alpha Show/Season 1/Alpha Show - S1E1.en.srt line 3: not a timestamp.",
    ),
  );
  return fake;
}

/** Shows the Library screen of `fake` and waits for its episodes. */
async function openLibrary(fake: FakeClient): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "library" }));
  await waitForFrame(app, (f) => /Library — [\d,]+ episode/.test(plain(f)), "the loaded library");
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

const ESC = "\x1b";
const DOWN = "\x1b[B";
const UP = "\x1b[A";
const ENTER = "\r";

/** The frame's line that shows the cursor (`›`). */
const cursorLine = (frame: string): string =>
  plain(frame).split("\n").find((line) => line.includes("›")) ?? "";
/** The frame's first line that contains `text`. */
const lineWith = (frame: string, text: string): string =>
  plain(frame).split("\n").find((line) => line.includes(text)) ?? "";

Deno.test("the library groups episodes by show and season with films last, each row with code, title, runtime and languages", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  const frame = plain(app.lastFrame() ?? "");
  const headers = frame.split("\n").filter((line) =>
    /\[[ x-]\] \S/.test(line) && !/S\d\dE|\d{4} /.test(line)
  );
  assertEquals(headers.map((line) => line.replace(/^[│\s›]*\[.\] /, "").replace(/\s*│$/, "").trim()), [
    "Alpha Show — Season 1 (3)",
    "Alpha Show — Season 2 (2)",
    "Beta Show — Season 1 (2)",
    "Gamma Show — Season 1 (1)",
    "Films (2)",
  ]);
  assertMatch(frame, /S01E02\s+The Second\s+2:40\s+en es/);
  assertMatch(frame, /S01E03-E04\s+Double Trouble\s+1:02:03\s+en es/);
  assertMatch(frame, /S02E01\s+New Season\s+2:40\s+en\s/);
  assertMatch(frame, /S01E01\s+Quiet One\s+2:40\s+no subtitles/);
  assertMatch(frame, /S01E01\s+Corrupt\s+✗ unreadable/);
  assertMatch(frame, /2001\s+Amelie\s+2:40/);
  // Amelie sorts among the shows, but is listed with the films.
  assert(frame.indexOf("Amelie") > frame.indexOf("Films (2)"), frame);
  assert(frame.indexOf("Zed Film") > frame.indexOf("Amelie"), frame);
});

Deno.test("an episode without subtitles is dim, an unreadable one marked in red", async () => {
  const fake = sampleClient();
  using _colours = forceColours();
  using app = await openLibrary(fake);
  const frame = app.lastFrame() ?? "";
  const quiet = frame.split("\n").find((line) => line.includes("Quiet One")) ?? "";
  assertStringIncludes(quiet, "\x1b[2m", "the row without subtitles is not dim");
  const corrupt = frame.split("\n").find((line) => line.includes("Corrupt")) ?? "";
  assertStringIncludes(corrupt, "\x1b[31m✗ unreadable");
});

Deno.test("j/k and the arrows move the cursor, g/G and Home/End jump to the first and last row", async () => {
  using app = await openLibrary(sampleClient());
  assertStringIncludes(cursorLine(app.lastFrame() ?? ""), "Alpha Show — Season 1");

  await press(app, "j", "j");
  await waitForFrame(app, (f) => cursorLine(f).includes("The Second"), "j j to reach the second episode");
  await press(app, DOWN);
  await waitForFrame(app, (f) => cursorLine(f).includes("Double Trouble"), "↓ to move down");
  await press(app, "k", UP);
  await waitForFrame(app, (f) => cursorLine(f).includes("Pilot"), "k ↑ to move up");
  await press(app, "G");
  await waitForFrame(app, (f) => cursorLine(f).includes("Zed Film"), "G to reach the last row");
  await press(app, "j");
  await waitForFrame(app, (f) => cursorLine(f).includes("Zed Film"), "j to stay on the last row");
  await press(app, "g");
  await waitForFrame(app, (f) => cursorLine(f).includes("Alpha Show — Season 1"), "g to reach the first row");
  await press(app, "\x1b[F");
  await waitForFrame(app, (f) => cursorLine(f).includes("Zed Film"), "End to reach the last row");
  await press(app, "\x1b[H");
  await waitForFrame(
    app,
    (f) => cursorLine(f).includes("Alpha Show — Season 1"),
    "Home to reach the first row",
  );
});

Deno.test("space toggles the episode under the cursor, and on a group header the whole group", async () => {
  using app = await openLibrary(sampleClient());
  await press(app, "j", "j", " ");
  let frame = await waitForFrame(app, (f) => f.includes("1 selected"), "one episode selected");
  assertMatch(lineWith(frame, "The Second"), /› \[x\]/);
  assertMatch(lineWith(frame, "Alpha Show — Season 1"), /\[-\] Alpha Show — Season 1 \(3\) · 1 selected/);

  await press(app, "k", "k", " ");
  frame = await waitForFrame(app, (f) => f.includes("3 selected"), "the whole group selected");
  assertMatch(lineWith(frame, "Alpha Show — Season 1"), /› \[x\] Alpha Show — Season 1 \(3\) · 3 selected/);
  for (const title of ["Pilot", "The Second", "Double Trouble"]) assertMatch(lineWith(frame, title), /\[x\]/);
  assertMatch(lineWith(frame, "Finale"), /\[ \]/);

  await press(app, " ");
  frame = await waitForFrame(app, (f) => !f.includes("selected"), "the whole group unselected");
  assertMatch(lineWith(frame, "The Second"), /\[ \]/);

  await press(app, "j", " ", "j", " ", "j", " ");
  await waitForFrame(app, (f) => /Library — 10 episodes · 3 selected/.test(f), "three selected one by one");
  await press(app, "k", " ");
  await waitForFrame(app, (f) => /Library — 10 episodes · 2 selected/.test(f), "one unselected again");
});

Deno.test("a selects every shown episode, after a filter only the filtered ones; Esc clears selection and filter", async () => {
  using app = await openLibrary(sampleClient());
  await press(app, "a");
  await waitForFrame(app, (f) => f.includes("Library — 10 episodes · 10 selected"), "all ten selected");
  await press(app, ESC);
  let frame = await waitForFrame(app, (f) => !f.includes("selected"), "Esc to clear the selection");
  assertFalse(frame.includes("[x]"));

  await press(app, "/", "b", "e", "t", "a", ENTER);
  await waitForFrame(app, (f) => f.includes("2 of 10 episodes"), "the filter");
  await press(app, "a");
  frame = await waitForFrame(app, (f) => f.includes("2 selected"), "the two filtered episodes selected");
  assertStringIncludes(frame, 'Library — 2 of 10 episodes · 2 selected · filter: "beta"');

  await press(app, "/", ESC); // clears the filter only
  frame = await waitForFrame(
    app,
    (f) => f.includes("Library — 10 episodes · 2 selected"),
    "the filter cleared",
  );
  assertMatch(lineWith(frame, "Quiet One"), /\[x\]/);
  assertMatch(lineWith(frame, "Pilot"), /\[ \]/);

  await press(app, "/", "z", "e", "d", ENTER);
  frame = await waitForFrame(app, (f) => f.includes('filter: "zed"'), "another filter");
  assertStringIncludes(frame, "2 selected (2 hidden)");
  await press(app, ESC);
  frame = await waitForFrame(
    app,
    (f) => !f.includes("selected") && !f.includes("filter:"),
    "Esc to clear both",
  );
  assertStringIncludes(frame, "Library — 10 episodes");
  assertStringIncludes(frame, "Pilot");
});

Deno.test("v selects the rows between the anchor and the cursor as it moves, and v ends the range", async () => {
  using app = await openLibrary(sampleClient());
  await press(app, "j", " ", "j", "j", "j", "j"); // Pilot selected; cursor on "New Season"
  await waitForFrame(app, (f) => cursorLine(f).includes("New Season"), "the cursor on New Season");

  await press(app, "v");
  let frame = await waitForFrame(
    app,
    (f) => f.includes("2 selected"),
    "v to select the row under the cursor",
  );
  assertStringIncludes(frame, "Selecting a range");
  await press(app, "j", "j", "j");
  frame = await waitForFrame(app, (f) => f.includes("4 selected"), "the range to grow over three rows");
  for (const title of ["Pilot", "New Season", "Finale", "Quiet One"]) {
    assertMatch(lineWith(frame, title), /\[x\]/);
  }
  assertMatch(lineWith(frame, "The Second"), /\[ \]/);

  await press(app, "k", "k", "k", "k", "k", "k"); // back past the anchor, up to "The Second"
  frame = await waitForFrame(app, (f) => cursorLine(f).includes("The Second"), "the cursor above the anchor");
  assertStringIncludes(frame, "4 selected");
  for (const title of ["Pilot", "The Second", "Double Trouble", "New Season"]) {
    assertMatch(lineWith(frame, title), /\[x\]/, title);
  }
  for (const title of ["Finale", "Quiet One"]) assertMatch(lineWith(frame, title), /\[ \]/, title);

  await press(app, "v", "G");
  frame = await waitForFrame(
    app,
    (f) => cursorLine(f).includes("Zed Film"),
    "moving after v ended the range",
  );
  assertStringIncludes(frame, "4 selected");
  assertFalse(frame.includes("Selecting a range"));
});

Deno.test("/ filters the rows as you type, letters that are keys elsewhere included; Enter keeps the filter, Esc clears it", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  await press(app, "/", "s", "e", "c");
  let frame = await waitForFrame(app, (f) => f.includes("1 of 10 episodes"), "the live filter");
  assertStringIncludes(frame, "The Second");
  assertFalse(frame.includes("Pilot"));
  assertMatch(frame, /\/sec .*Enter keeps the filter, Esc clears it/);

  await press(app, "\x7f", "\x7f", "\x7f", "q", "?", "2", "1");
  frame = await waitForFrame(app, (f) => f.includes('filter: "q?21"'), "q, ?, 2 and 1 typed into the filter");
  assertEquals(fake.closes, 0, "q quit instead of going into the filter");
  assertStringIncludes(frame, 'No episode matches "q?21"');

  await press(app, ESC);
  frame = await waitForFrame(app, (f) => !f.includes("filter:"), "Esc to clear the filter");
  assertStringIncludes(frame, "Library — 10 episodes");

  await press(app, "/", "s", "0", "2", ENTER);
  frame = await waitForFrame(app, (f) => f.includes('filter: "s02"') && !f.includes("Enter keeps"), "Enter");
  assertStringIncludes(frame, "2 of 10 episodes");
  assertStringIncludes(frame, "New Season");
  await press(app, "j", " ");
  await waitForFrame(app, (f) => f.includes("1 selected"), "keys to work on the list again");
});

Deno.test("Enter shows the details: path, media information, audio and subtitle tracks, and the first 8 cues", async () => {
  using app = await openLibrary(sampleClient());
  resize(app, 100, 40);
  await press(app, "j", "j", ENTER);
  const frame = plain(await waitForFrame(app, (f) => f.includes("Line 8"), "the details with cues"));
  assertStringIncludes(frame, "Alpha Show · S01E02 · The Second");
  assertStringIncludes(frame, "/media/Alpha Show/Season 1/Alpha Show - S1E2.mkv");
  assertStringIncludes(frame, "2:40 · 1280x720 · 25 fps · h264 · 1.3 MB");
  assertStringIncludes(frame, "#1 · aac · eng · 2 ch · default");
  assertStringIncludes(frame, "en · sidecar · srt · SDH · Alpha Show - S1E2.en.srt");
  assertStringIncludes(frame, "es · sidecar · srt · forced · Alpha Show - S1E2.es.forced.srt");
  assertStringIncludes(frame, "fr · embedded · hdmv_pgs_subtitle · stream 3");
  assertStringIncludes(
    frame,
    "✗ Bitmap subtitles (PGS) cannot be read as text: add a text .srt next to the video.",
  );
  assertMatch(frame, /0:01\.0 {2}Hello there\. \/ General Kenobi\./);
  assertMatch(frame, /0:03\.5 {2}Line 2/);
  assertFalse(frame.includes("Line 9"), "more than 8 cues");

  await press(app, ESC);
  await waitForFrame(app, (f) => cursorLine(f).includes("The Second"), "Esc back to the list");
  await press(app, ENTER);
  await waitForFrame(app, (f) => f.includes("Line 8"), "the details again");
  await press(app, "\x7f");
  await waitForFrame(app, (f) => cursorLine(f).includes("The Second"), "Backspace back to the list");
});

Deno.test("the details say why there are no cues: a broken subtitle file, no text subtitle, an unreadable video", async () => {
  using app = await openLibrary(sampleClient());
  await press(app, "j", ENTER);
  let frame = plain(await waitForFrame(app, (f) => f.includes("UNPROCESSABLE_CONTENT"), "the parse error"));
  assertStringIncludes(
    frame,
    "✗ UNPROCESSABLE_CONTENT: Cannot parse /media/Alpha Show/Season 1/Alpha Show - S1E1.en.srt",
  );
  assertStringIncludes(frame, "3: not a timestamp."); // wrapped, not cut
  await press(app, ESC);

  await press(app, "/", "q", "u", "i", "e", "t", ENTER, "j", ENTER);
  frame = plain(await waitForFrame(app, (f) => f.includes("NOT_FOUND"), "the missing subtitle"));
  assertStringIncludes(frame, "✗ NOT_FOUND: Episode 6 has no text subtitle track: add a sidecar .srt.");
  await press(app, ESC);

  await press(app, "/", ESC, "/", "c", "o", "r", "r", ENTER, "j", ENTER);
  frame = plain(await waitForFrame(app, (f) => f.includes("unreadable:"), "the probe error"));
  assertStringIncludes(frame, "✗ unreadable: ffprobe: Invalid data found when processing input");
});

Deno.test("j and k scroll details that are taller than the screen", async () => {
  using app = await openLibrary(sampleClient());
  await press(app, "j", "j", ENTER);
  let frame = await waitForFrame(app, (f) => f.includes("Hello there"), "the first cue");
  assertFalse(frame.includes("Line 8"), "the details fit without scrolling: make them taller");
  await press(app, "j", "j", "j", "j", "j", "j", "j", "j", "j", "j");
  frame = await waitForFrame(app, (f) => f.includes("Line 8"), "the last cue after scrolling");
  assertFalse(frame.includes("/media/Alpha Show/Season 1/Alpha Show - S1E2.mkv"));
  assert(plain(frame).split("\n").length <= 24);
  await press(app, "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k");
  await waitForFrame(app, (f) => f.includes("Alpha Show · S01E02 · The Second"), "the top again");
});

Deno.test("r rescans: progress from library.progress events, then the summary, then the reloaded list", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  const loads = fake.listCalls.length;
  await press(app, "r");
  await until(() => fake.scans.length === 1, "library.scan to be called");
  await waitForFrame(app, (f) => f.includes("Scanning: starting…"), "the scan to start");
  await press(app, "r");
  assertEquals(fake.scans.length, 1, "a second r started a second scan");

  const progress = (phase: "walking" | "probing" | "saving" | "done", done: number, total: number) =>
    fake.emit({
      type: "library.progress",
      at: new Date().toISOString(),
      source: "test:1",
      data: { phase, done, total },
    });
  progress("walking", 7, 0);
  await waitForFrame(app, (f) => f.includes("Scanning: walking, 7 videos found"), "the walking phase");
  progress("probing", 2, 5);
  await waitForFrame(app, (f) => f.includes("Scanning: probing 2/5"), "the probing phase");
  progress("saving", 1_000, 1_204);
  await waitForFrame(app, (f) => f.includes("Scanning: saving 1,000/1,204"), "the saving phase");

  fake.episodes = [...sampleEpisodes(), episode({ id: 11, show: "Zulu Show", title: "Brand New" })];
  fake.scans[0].resolve({
    added: 1,
    updated: 2,
    removed: 0,
    unchanged: 7,
    failed: 1,
    probes: 3,
    durationMs: 1_234,
  });
  progress("done", 11, 11);
  const frame = await waitForFrame(app, (f) => f.includes("Brand New"), "the reloaded list");
  assertStringIncludes(
    frame,
    "✓ Scan done in 1.2 s: 1 added, 2 updated, 0 removed, 7 unchanged, 1 unreadable",
  );
  assertStringIncludes(frame, "Library — 11 episodes");
  assert(fake.listCalls.length > loads, "the list was not loaded again");
  assertFalse(frame.includes("Scanning"));
});

Deno.test("a failed scan says why", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  await press(app, "r");
  await until(() => fake.scans.length === 1, "library.scan to be called");
  fake.scans[0].reject(rpcError("INTERNAL_SERVER_ERROR", "the database is gone"));
  await waitForFrame(
    app,
    (f) => f.includes("✗ Scan failed: INTERNAL_SERVER_ERROR: the database is gone"),
    "the error",
  );
});

Deno.test("a library.changed event (a scan elsewhere, the watcher) reloads the list", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  fake.episodes = fake.episodes.filter((e) => e.show !== "Beta Show");
  fake.emit({
    type: "library.changed",
    at: new Date().toISOString(),
    source: "test:1",
    data: { roots: ["/media"], added: 0, updated: 0, removed: 2 },
  });
  const frame = await waitForFrame(app, (f) => f.includes("Library — 8 episodes"), "the reloaded list");
  assertFalse(frame.includes("Beta Show"));
});

Deno.test("an empty library says so and how to fill it", async () => {
  const fake = new FakeClient();
  fake.roots = [{ path: "/srv/media", exists: false, readable: false, freeBytes: null, episodes: 0 }];
  using app = await openLibrary(fake);
  const frame = plain(
    await waitForFrame(app, (f) => f.includes("does not exist yet"), "the roots in the hint"),
  );
  assertStringIncludes(frame, "Library — 0 episodes");
  assertStringIncludes(frame, "The library is empty.");
  assertStringIncludes(frame, "Put videos under the media root /srv/media (does not exist yet) and press r");
  assertStringIncludes(frame, "scripts/make-sample");
});

Deno.test("the footer lists the library's main keys and the help all of them", async () => {
  using app = await openLibrary(sampleClient());
  const footer = plain(app.lastFrame() ?? "").trimEnd().split("\n").at(-1) ?? "";
  assertMatch(footer, /^Space select.*\/ filter\s+Enter details\s+r rescan.*\? help\s+q \/ Ctrl-C quit$/);
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Library screen"), "the help"));
  for (
    const expected of [
      "select all shown",
      "select a range",
      "clear selection, filter",
      "↑↓ j k",
      "PgUp PgDn",
      "g G Home End",
      "batch",
    ]
  ) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("back to the list"), "a key of the details is listed in the list's help");
});

Deno.test("the library keeps its selection while another screen is shown", async () => {
  const fake = sampleClient();
  using app = await openLibrary(fake);
  await press(app, "j", " ");
  await waitForFrame(app, (f) => f.includes("1 selected"), "a selection");
  const loads = fake.listCalls.length;
  await press(app, "1");
  await waitForFrame(app, (f) => f.includes("│ db "), "the dashboard");
  await press(app, "2");
  const frame = await waitForFrame(app, (f) => f.includes("Library — 10 episodes"), "the library again");
  assertStringIncludes(frame, "1 selected");
  assertEquals(fake.listCalls.length, loads, "the library was loaded again");
});

Deno.test("at 80x24 the library fits: no line is longer than 80 columns and long titles are cut", async () => {
  const fake = sampleClient();
  fake.episodes[1] = { ...fake.episodes[1], title: "A Title That Goes On ".repeat(6) };
  using app = await openLibrary(fake);
  resize(app, 80, 24);
  await press(app, "j", "j", " ");
  const frame = plain(await waitForFrame(app, (f) => f.includes("1 selected"), "a selection"));
  const lines = frame.split("\n");
  assert(lines.length <= 24, `${lines.length} lines:\n${frame}`);
  for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
  assertMatch(lineWith(frame, "A Title"), /A Title That Goes On.*…\s+2:40\s+en es/);
  assertStringIncludes(lines.at(-1) ?? "", "q / Ctrl-C quit");
});

Deno.test("5,000 episodes load in pages of 1,000 with progress, and the frame never has more lines than the terminal", async () => {
  const fake = new FakeClient();
  fake.episodes = manyEpisodes(5_000);
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  fake.beforePage = (input) => input.cursor === "2000" ? gate : undefined;
  using app = mount(fake.app({ initialScreen: "library" }));
  const loading = plain(await waitForFrame(app, (f) => f.includes("2,000"), "the load in progress"));
  assertStringIncludes(loading, "Loading the library… 2,000 episodes");
  open();
  let frame = plain(await waitForFrame(app, (f) => f.includes("Library — 5,000 episodes"), "all pages"));
  assertEquals(fake.listCalls.map((call) => [call.limit, call.cursor ?? null]), [
    [1000, null],
    [1000, "1000"],
    [1000, "2000"],
    [1000, "3000"],
    [1000, "4000"],
  ]);
  assert(frame.split("\n").length <= 24, frame);

  await press(app, "G");
  frame = plain(
    await waitForFrame(app, (f) => cursorLine(f).includes("Episode number 5000"), "G to reach the end"),
  );
  assert(frame.split("\n").length <= 24, frame);
  // Deep in a group, its header stays on the window's first line.
  assertMatch(frame.split("\n")[4], /│ {3}\[ \] Show 050 — Season 4 \(25\)/);
  await press(app, "\x1b[5~");
  await waitForFrame(app, (f) => !cursorLine(f).includes("Episode number 5000"), "PgUp to move up a page");
  await press(app, "g");
  frame = plain(
    await waitForFrame(app, (f) => cursorLine(f).includes("Show 001 — Season 1"), "g to reach the start"),
  );
  assert(frame.split("\n").length <= 24, frame);
  await press(app, "a");
  await waitForFrame(app, (f) => f.includes("5,000 selected"), "a to select all 5,000");
});

Deno.test("200 presses of j over 5,000 episodes each render at once (a sanity bound against O(n) work per key)", async () => {
  const fake = new FakeClient();
  fake.episodes = manyEpisodes(5_000);
  using app = await openLibrary(fake);
  // With rows set, Ink stops asking the machine's terminal for its size on every frame
  // (tput, resize): what is timed is then the TUI's own work.
  resize(app, 100, 24);
  await press(app, "v"); // the range grows with every key: selection work too
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    app.stdin.write("j");
    await settle(); // let each key render before the next, as a person's keys would
  }
  const frame = await waitForFrame(
    app,
    (f) => cursorLine(f).includes("Episode number 193"),
    "the cursor on row 200",
  );
  const elapsed = performance.now() - started;
  // Row 200: seven groups of 1 header + 25 episodes, then the 18th row of the eighth group.
  assertStringIncludes(frame, "· 193 selected");
  // About 1 s here (2 s with two more test runs beside it); rendering all 5,000 rows per key
  // takes over a minute. The bound only has to tell the two apart, without ever flaking.
  assert(elapsed < 10_000, `200 key presses took ${Math.round(elapsed)} ms`);
});

Deno.test("windowStart moves the window only when the cursor would leave it, and never past the end", () => {
  assertEquals(windowStart(0, 5, 10, 100), 0);
  assertEquals(windowStart(0, 12, 10, 100), 3);
  assertEquals(windowStart(3, 8, 10, 100), 3, "moving back up inside the window scrolls");
  assertEquals(windowStart(3, 1, 10, 100), 1);
  assertEquals(windowStart(95, 99, 10, 100), 90);
  assertEquals(windowStart(40, 5, 10, 8), 0, "a list shorter than the window");
});

Deno.test("rows: a filter keeps episodes whose show, code, title or path hold every word, and drops empty groups", () => {
  const groups = groupEpisodes(sampleEpisodes());
  const titles = (filter: string) =>
    buildRows(groups, filter).rows.map((row) =>
      row.kind === "group" ? `# ${row.title} (${row.size})` : row.episode.id
    );
  assertEquals(titles("alpha s02"), ["# Alpha Show — Season 2 (2)", 4, 5]);
  assertEquals(
    titles("ALPHA  finale"),
    ["# Alpha Show — Season 2 (1)", 5],
    "the count is of the shown episodes",
  );
  assertEquals(titles("2010"), ["# Films (1)", 9]);
  assertEquals(titles("nothing like this"), []);
  assertEquals(buildRows(groups).episodeCount, 10);
});

Deno.test("the view keeps the cursor on its episode and the selection across a reload, and forgets removed episodes", () => {
  const view = new LibraryView();
  view.setEpisodes(sampleEpisodes());
  view.move(2, 10); // "The Second"
  view.toggle();
  view.move(6, 10); // "Quiet One": past season 2 and the Beta Show header
  view.toggle();
  assertEquals([...view.selection].sort(), [2, 6]);
  view.setEpisodes(sampleEpisodes().filter((e) => e.id !== 6 && e.id !== 1));
  assertEquals([...view.selection], [2]);
  view.jump("start", 10);
  view.move(1, 10);
  assertEquals(view.current?.id, 2);
  assertEquals(view.selectedInGroup(0), 1);
});

Deno.test("the footer keeps help and quit, and fits as many of the other keys as the width allows, in order", () => {
  const always = [{ label: "?", description: "help" }, { label: "q", description: "quit" }];
  const rest = [
    { label: "Space", description: "select" },
    { label: "/", description: "filter" },
    { label: "Enter", description: "details" },
    { label: "j", description: "move", helpOnly: true },
  ];
  const labels = (columns: number) => fitHints(always, rest, columns).map((hint) => hint.label);
  assertEquals(labels(200), ["Space", "/", "Enter", "?", "q"]);
  assertEquals(labels(40), ["Space", "/", "?", "q"]);
  assertEquals(labels(10), ["?", "q"]);
});

Deno.test("wrapText breaks at spaces and cuts words longer than the width", () => {
  assertEquals(wrapText("Cannot parse the file: not a timestamp", 16), [
    "Cannot parse the",
    "file: not a",
    "timestamp",
  ]);
  assertEquals(wrapText("/a/very/long/path/name.srt x", 10), ["/a/very/lo", "ng/path/na", "me.srt x"]);
  assertEquals(wrapText("", 10), [""]);
});
