import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import { hostname } from "node:os";
import { DatabaseSync } from "node:sqlite";
import type { Cue } from "../shared/schemas.ts";
import { loadCues } from "../daemon/library/mod.ts";
import { FfmpegProcess, type FfmpegRunner } from "../daemon/render/mod.ts";
import {
  clipTiming,
  crc32,
  delimitedText,
  type ExportDocument,
  Exporter,
  ExportMediaError,
  type ExportNote,
  exportOptionsSchema,
  fieldChecksum,
  mediaCommands,
  NOTE_FIELDS,
  NOTE_TYPE_ID,
  NOTE_TYPE_NAME,
  noteGuid,
  NothingToExportError,
  ZipWriter,
} from "../daemon/export/mod.ts";
import { ffmpeg } from "./helpers/media.ts";
import { toSrt, writeSampleAnalyses } from "./helpers/sample_analyses.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";
import { readZip } from "./helpers/zip_reader.ts";

// ---------------------------------------------------------------- pure parts

const cues: Cue[] = Array.from({ length: 12 }, (_, i) => ({
  index: i + 1,
  startMs: i * 3_000 + 500,
  endMs: i * 3_000 + 2_700,
  text: i === 1
    ? "Let's call it a day."
    : i === 4
    ? "Let's break the ice now."
    : i === 5
    ? "It was a piece of cake."
    : `Plain line ${i + 1}.`,
}));
const defaults = exportOptionsSchema.parse({});
const lineOf = (n: number) => ({
  cueIndex: n,
  text: cues[n - 1].text,
  startMs: cues[n - 1].startMs,
  endMs: cues[n - 1].endMs,
});

Deno.test("clipTiming: padding, context lines and a shift move the audio window; the screenshot stays mid-line", () => {
  const plain = clipTiming(lineOf(5), undefined, defaults, 36_000);
  assertEquals(plain.audio, { startMs: 12_250, endMs: 14_950 });
  assertEquals(plain.screenshotMs, 13_600);
  const context = clipTiming(
    lineOf(5),
    cues,
    { ...defaults, contextLinesBefore: 1, contextLinesAfter: 2 },
    36_000,
  );
  assertEquals(context.audio, { startMs: 9_250, endMs: 20_950 });
  assertEquals(context.before.map((c) => c.index), [4]);
  assertEquals(context.after.map((c) => c.index), [6, 7]);
  assertEquals(context.screenshotMs, 13_600, "the picture is still the expression's line");
  const shifted = clipTiming(
    lineOf(5),
    undefined,
    { ...defaults, shiftMs: -1_000, paddingAfterMs: 0 },
    36_000,
  );
  assertEquals(shifted.audio, { startMs: 11_250, endMs: 13_700 });
  assertEquals(shifted.screenshotMs, 12_600);
  // clamped to the episode: the first line with a long lead, the last one shifted past the end
  assertEquals(
    clipTiming(lineOf(1), undefined, { ...defaults, paddingBeforeMs: 2_000 }, 36_000).audio?.startMs,
    0,
  );
  const last = clipTiming(lineOf(12), undefined, { ...defaults, shiftMs: 1_000 }, 36_000);
  assertEquals(last.audio?.endMs, 36_000);
  assertEquals(last.screenshotMs <= 35_900, true);
  assertEquals(clipTiming(lineOf(12), undefined, { ...defaults, shiftMs: 5_000 }, 36_000).audio, null);
  // the subtitles changed since the analysis: the line is found by its text near its old time
  const moved = cues.map((c) => ({ ...c, index: c.index + 1 }));
  assertEquals(
    clipTiming(lineOf(5), moved, { ...defaults, contextLinesBefore: 1 }, null).before.map((c) => c.text),
    ["Plain line 4."],
  );
  assertEquals(
    clipTiming({ ...lineOf(5), text: "Gone." }, cues, { ...defaults, contextLinesBefore: 1 }, null).lineFound,
    false,
  );
});

Deno.test("noteGuid depends on the show, the episode, the cue and the expression, nothing else", async () => {
  const id = { show: "Sample Show", code: "S01E01", cueIndex: 5, normalized: "break the ice" };
  const guid = await noteGuid(id);
  assertEquals(await noteGuid({ ...id }), guid);
  assertEquals(guid.length >= 9 && guid.length <= 10, true, guid);
  assertEquals(/^[a-zA-Z0-9!#$%&()*+,\-./:;<=>?@[\]^_`{|}~]+$/.test(guid), true, "Anki's base91 alphabet");
  for (const other of [{ show: "Other" }, { code: "S01E02" }, { cueIndex: 6 }, { normalized: "break ice" }]) {
    assertNotEquals(await noteGuid({ ...id, ...other }), guid);
  }
});

Deno.test("the ZIP writer's archives read back: stored and deflated entries, UTF-8 names, CRC-32", async () => {
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926, "the standard check value");
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-zip-" });
  try {
    const path = join(dir, "a.zip");
    const zip = await ZipWriter.create(path);
    const text = new TextEncoder().encode("hello ".repeat(1_000));
    const random = crypto.getRandomValues(new Uint8Array(5_000));
    await zip.add("text.txt", text, { deflate: true });
    await zip.add("0", random, { deflate: true }); // incompressible: stored
    await zip.add("días/ñ.json", new TextEncoder().encode("{}"));
    await zip.add("empty", new Uint8Array());
    await zip.close();
    const entries = await readZip(await Deno.readFile(path));
    assertEquals(entries.map((e) => e.name), ["text.txt", "0", "días/ñ.json", "empty"]);
    assertEquals(entries.map((e) => e.method), [8, 0, 0, 0]);
    assertEquals(entries.every((e) => e.flags & 0x0800), true, "names flagged UTF-8");
    assertEquals(entries[0].data, text);
    assertEquals(entries[1].data, random);
    assertEquals(entries[3].data.length, 0);
    // the 6,000 bytes of text take a few dozen: the archive is the random bytes plus headers (~410)
    assertEquals((await Deno.stat(path)).size < random.length + 500, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mediaCommands cuts an episode in one audio run and one screenshot run, splitting only past the input limit", () => {
  const cuts = Array.from({ length: 10 }, (_, i) => ({
    audio: { startMs: i * 1_000, endMs: i * 1_000 + 800, path: `/o/${i}.mp3` },
    screenshot: { atMs: i * 1_000 + 400, path: `/o/${i}.jpg` },
  }));
  const inputs = (args: string[]) => args.filter((a) => a === "-i").length;
  const [audio, shots, ...more] = mediaCommands({ path: "/v.mkv", audioStream: 2 }, cuts, {
    screenshotWidth: 640,
  });
  assertEquals(more.length, 0);
  assertEquals([audio.kind, inputs(audio.args), audio.files], ["audio", 10, 10]);
  assertEquals(audio.args.filter((a) => a.endsWith(".mp3")).length, 10);
  assertEquals(audio.args.includes("9:2"), true, "the audio stream by its index in every input");
  assertEquals([shots.kind, inputs(shots.args), shots.files], ["screenshots", 10, 10]);
  assertEquals(shots.args.filter((a) => a.endsWith(".jpg")).length, 10);
  const split = mediaCommands({ path: "/v.mkv", audioStream: 2 }, cuts, {
    screenshotWidth: 640,
    maxInputs: 4,
  });
  assertEquals(split.map((r) => `${r.kind}:${inputs(r.args)}`), [
    "audio:4",
    "audio:4",
    "audio:2",
    "screenshots:4",
    "screenshots:4",
    "screenshots:2",
  ]);
  const silent = mediaCommands({ path: "/v.mkv", audioStream: null }, cuts, { screenshotWidth: 640 });
  assertEquals(silent.map((r) => r.kind), ["screenshots"]);
});

function note(over: Partial<ExportNote["fields"]> = {}): ExportNote {
  const fields = Object.fromEntries(NOTE_FIELDS.map((f) => [f, `${f} value`])) as ExportNote["fields"];
  return {
    guid: "abc,def",
    expressionId: 1,
    episodeId: 1,
    fields: { ...fields, ...over },
    tags: ["lingoreel", "show::A_B"],
    media: { audio: null, screenshot: null },
    timing: { audioStartMs: null, audioEndMs: null, screenshotMs: null },
  };
}

Deno.test("CSV and TSV carry Anki's header lines and quote fields as its csv reader expects", () => {
  const tricky = note({ Meaning: 'He said "hi", then\tleft\nfor good', Similar: "a, b" });
  const csv = delimitedText([tricky], { separator: ",", deckName: "lingoreel::Show" }).split("\n");
  assertEquals(csv.slice(0, 6), [
    "#separator:comma",
    "#html:true",
    `#notetype:${NOTE_TYPE_NAME}`,
    "#deck:lingoreel::Show",
    "#guid column:1",
    `#tags column:${NOTE_FIELDS.length + 2}`,
  ]);
  assertEquals(csv[6], `#columns:GUID,${NOTE_FIELDS.join(",")},Tags`);
  const row = parseDelimited(csv.slice(7).join("\n"), ",")[0];
  assertEquals(row.length, NOTE_FIELDS.length + 2);
  assertEquals(row[0], "abc,def");
  assertEquals(row[3], 'He said "hi", then left<br>for good');
  assertEquals(row[8], "a, b");
  assertEquals(row.at(-1), "lingoreel show::A_B");
  const tsv = delimitedText([tricky], { separator: "\t", deckName: "d" }).split("\n");
  assertEquals(tsv[0], "#separator:tab");
  assertEquals(parseDelimited(tsv.slice(7).join("\n"), "\t")[0], row);
});

/** RFC 4180 records (quotes doubled inside quoted fields), comment lines skipped. */
function parseDelimited(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const lines = text.split("\n").filter((l) => !l.startsWith("#")).join("\n");
  while (i < lines.length) {
    const c = lines[i];
    if (quoted) {
      if (c === '"' && lines[i + 1] === '"') (field += '"', i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === separator) (row.push(field), field = "");
    else if (c === "\n") (row.push(field), rows.push(row), row = [], field = "");
    else field += c;
    i++;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  return rows;
}

// ---------------------------------------------------------------- real exports

const SRT = toSrt(cues);

let videoTemplate: Promise<string> | undefined;

/** A 36-second 640x360 H.264/AAC episode, made once per test process. */
function episodeVideo(): Promise<string> {
  videoTemplate ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "lingoreel-export-media-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const path = join(dir, "episode.mp4");
    await ffmpeg([
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=640x360:rate=25:duration=36",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=330:duration=36,volume=0.08",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-g",
      "50",
      "-c:a",
      "aac",
      "-shortest",
      path,
    ]);
    return path;
  })();
  return videoTemplate;
}

interface Fixture extends AsyncDisposable {
  t: TestDaemon;
  episodeId: number;
  video: string;
  expressionIds: number[];
  decks: string;
  /** An exporter whose ffmpeg runs go through `runner` (the real ffmpeg by default). */
  exporter(runner?: FfmpegRunner): Exporter;
  approve(ids?: number[]): Promise<void>;
}

/** A daemon over one analysed 36-second episode with three pending expressions (lines 2, 5, 6). */
async function exportFixture(): Promise<Fixture> {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-export-" });
  const dir = join(root, "Sample Show", "Season 01");
  await Deno.mkdir(dir, { recursive: true });
  const video = join(dir, "Sample Show - S01E01 - Test.mp4");
  await Deno.copyFile(await episodeVideo(), video);
  await Deno.writeTextFile(join(dir, "Sample Show - S01E01 - Test.en.srt"), SRT);
  await writeSampleAnalyses(root, [["call it a day", 2], ["break the ice", 5], ["a piece of cake", 6]]);

  const t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
  try {
    const api = t.caller();
    await api.library.scan();
    const [episode] = (await api.library.list({})).items;
    await api.analysis.run({
      episodeId: episode.id,
      options: { contextMs: { target: 8_000, tolerance: 4_000 } },
    });
    const expressions = await api.expressions.list({ episodeId: episode.id });
    assertEquals(expressions.length, 3);
    const { services } = t.daemon;
    const db = services.database.db;
    const real = new FfmpegProcess(services.library.ffmpeg);
    return {
      t,
      episodeId: episode.id,
      video,
      expressionIds: expressions.map((e) => e.id),
      decks: join(services.config.outputDir, "decks"),
      exporter: (runner = real) =>
        new Exporter({
          db,
          ffmpeg: runner,
          cues: (episodeId, language) =>
            loadCues(db, {
              episodeId,
              language,
              ffmpeg: services.library.ffmpeg,
              cacheDir: services.library.cacheDir,
            }),
          outputDir: services.config.outputDir,
          dataDir: services.config.dataDir,
          log: t.log,
        }),
      async approve(ids = expressions.map((e) => e.id)) {
        await api.expressions.review({ ids, decision: "approve" });
      },
      async [Symbol.asyncDispose]() {
        await t[Symbol.asyncDispose]();
        await Deno.remove(root, { recursive: true });
      },
    };
  } catch (error) {
    await t[Symbol.asyncDispose]();
    await Deno.remove(root, { recursive: true });
    throw error;
  }
}

/** Counts the ffmpeg runs that pass through it. */
function counting(runner: FfmpegRunner): FfmpegRunner & { runs: number } {
  const counter = {
    runs: 0,
    run(args: string[], options?: Parameters<FfmpegRunner["run"]>[1]) {
      counter.runs++;
      return runner.run(args, options);
    },
  };
  return counter;
}

interface Package {
  entries: Map<string, Uint8Array>;
  media: Record<string, string>;
  notes: {
    id: number;
    guid: string;
    mid: number;
    mod: number;
    tags: string;
    flds: string;
    sfld: string;
    csum: number;
  }[];
  cards: { id: number; nid: number; did: number; ord: number; type: number; queue: number }[];
  col: {
    models: Record<
      string,
      { name: string; flds: { name: string }[]; tmpls: { qfmt: string; afmt: string }[] }
    >;
    decks: Record<string, { name: string }>;
  };
  /** Media files (by their names in the notes) written out to read them with ffprobe. */
  files: string;
}

/** Unzips an .apkg with the test's own reader and opens its collection with SQLite. */
async function readPackage(path: string, dir: string): Promise<Package> {
  const entries = new Map((await readZip(await Deno.readFile(path))).map((e) => [e.name, e.data]));
  await Deno.mkdir(dir, { recursive: true });
  const dbPath = join(dir, "collection.anki2");
  await Deno.writeFile(dbPath, entries.get("collection.anki2")!);
  const db = new DatabaseSync(dbPath);
  try {
    const media = JSON.parse(new TextDecoder().decode(entries.get("media")!)) as Record<string, string>;
    const files = join(dir, "media");
    await Deno.mkdir(files, { recursive: true });
    for (const [n, name] of Object.entries(media)) await Deno.writeFile(join(files, name), entries.get(n)!);
    const col = db.prepare("SELECT models, decks FROM col").get() as { models: string; decks: string };
    return {
      entries,
      media,
      notes: db.prepare("SELECT id, guid, mid, mod, tags, flds, sfld, csum FROM notes ORDER BY id")
        .all() as Package["notes"],
      cards: db.prepare("SELECT id, nid, did, ord, type, queue FROM cards ORDER BY id")
        .all() as Package["cards"],
      col: { models: JSON.parse(col.models), decks: JSON.parse(col.decks) },
      files,
    };
  } finally {
    db.close();
  }
}

/** Seconds of audio a file decodes to (mp3 encoder delay and padding left out, as players do). */
async function audioSeconds(path: string): Promise<number> {
  const out = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "44100", "-"],
    stdout: "piped",
  }).output();
  return out.stdout.length / 2 / 44_100;
}

async function probe(path: string) {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-print_format", "json", "-show_streams", path],
    stdout: "piped",
  }).output();
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as {
    streams: {
      codec_name: string;
      width?: number;
      height?: number;
      sample_rate?: string;
      channels?: number;
    }[];
  }).streams[0];
}

async function entriesUnder(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

const fieldsOf = (flds: string) => Object.fromEntries(flds.split("\x1f").map((v, i) => [NOTE_FIELDS[i], v]));

Deno.test("an Anki export of an episode: two ffmpeg runs, every field filled, every media entry in the archive, snippets line + padding long, 640-wide screenshots", async () => {
  await using fx = await exportFixture();
  await fx.approve();
  const runner = counting(new FfmpegProcess(fx.t.daemon.services.library.ffmpeg));
  const fractions: number[] = [];
  const result = await fx.exporter(runner).export(
    { episodeIds: [fx.episodeId], format: "anki" },
    { onProgress: (f) => fractions.push(f) },
  );
  assertEquals(result.path, join(fx.decks, "sample-show-s01e01.apkg"));
  assertEquals([result.notes, result.cards, result.mediaFiles], [3, 3, 6]);
  assertEquals(
    [result.ffmpegRuns, runner.runs],
    [2, 2],
    "one run cuts the 3 snippets, one the 3 screenshots",
  );
  assertEquals(result.deckName, "lingoreel::Sample Show");
  assertEquals(result.warnings, []);
  assertEquals(fractions.at(-1), 1);
  assertEquals(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), true, "progress only grows");

  const dir = await Deno.makeTempDir({ prefix: "lingoreel-apkg-" });
  try {
    const pkg = await readPackage(result.path, dir);
    assertEquals([...pkg.entries.keys()].sort(), ["0", "1", "2", "3", "4", "5", "collection.anki2", "media"]);
    // the note type and deck Anki will create
    const model = pkg.col.models[String(NOTE_TYPE_ID)];
    assertEquals(model.name, NOTE_TYPE_NAME);
    assertEquals(model.flds.map((f) => f.name), [...NOTE_FIELDS]);
    assertStringIncludes(model.tmpls[0].afmt, "{{Audio}}");
    assertEquals(Object.values(pkg.col.decks).map((d) => d.name).sort(), [
      "Default",
      "lingoreel::Sample Show",
    ]);
    // notes and cards
    assertEquals(pkg.notes.length, 3);
    assertEquals(pkg.cards.length, 3);
    assertEquals(new Set(pkg.notes.map((n) => n.guid)).size, 3);
    assertEquals(pkg.cards.map((c) => c.nid).sort(), pkg.notes.map((n) => n.id).sort());
    const deck = Object.entries(pkg.col.decks).find(([, d]) => d.name === "lingoreel::Sample Show")![0];
    assertEquals(
      pkg.cards.every((c) => String(c.did) === deck && c.ord === 0 && c.type === 0 && c.queue === 0),
      true,
    );
    const referenced = new Set<string>();
    for (const n of pkg.notes) {
      assertEquals(n.mid, NOTE_TYPE_ID);
      const fields = fieldsOf(n.flds);
      assertEquals(Object.keys(fields).length, NOTE_FIELDS.length);
      for (const name of NOTE_FIELDS) assert(fields[name].trim(), `${name} is filled in note ${n.guid}`);
      assertEquals(n.sfld, fields.Expression);
      assertEquals(n.csum, await fieldChecksum(fields.Expression));
      assertStringIncludes(n.tags, " lingoreel ");
      for (const tag of ["show::Sample_Show", "episode::S01E01", "level::intermediate", "difficulty::5"]) {
        assertStringIncludes(n.tags, ` ${tag} `);
      }
      assertStringIncludes(fields.Sentence, `<b>${fields.Expression}</b>`);
      assertStringIncludes(fields.Source, "Sample Show · S01E01 “Test” · 0:");
      const audio = /^\[sound:([^\]]+\.mp3)\]$/.exec(fields.Audio)![1];
      const picture = /^<img src="([^"]+\.jpg)">$/.exec(fields.Screenshot)![1];
      referenced.add(audio).add(picture);
    }
    // every media entry is in the archive and named by a note, and every note's media are there
    assertEquals(new Set(Object.values(pkg.media)), referenced);
    for (const n of Object.keys(pkg.media)) assertGreater(pkg.entries.get(n)!.length, 500);
    // the snippets: the line plus 250 ms either side; the screenshots: 640 px wide
    const rows = await fx.t.caller().expressions.list({ episodeId: fx.episodeId });
    for (const n of pkg.notes) {
      const fields = fieldsOf(n.flds);
      const row = rows.find((r) => r.text === fields.Expression)!;
      const audio = join(pkg.files, /\[sound:(.+)\]/.exec(fields.Audio)![1]);
      assertAlmostEquals(
        await audioSeconds(audio),
        (row.endMs - row.startMs + 500) / 1000,
        0.05,
        fields.Expression,
      );
      const info = await probe(audio);
      assertEquals([info.codec_name, info.sample_rate, info.channels], ["mp3", "44100", 2]);
      const shot = await probe(join(pkg.files, /src="(.+)"/.exec(fields.Screenshot)![1]));
      assertEquals([shot.codec_name, shot.width, shot.height], ["mjpeg", 640, 360]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(
    await entriesUnder(join(fx.t.dataDir, "tmp")).then((e) => e.filter((n) => n.startsWith("export-"))),
    [],
  );
});

Deno.test("a re-export keeps the file, the GUIDs and the note count, even when a new analysis made new rows", async () => {
  await using fx = await exportFixture();
  const exporter = fx.exporter();
  const api = fx.t.caller();
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-apkg-" });
  try {
    const options = { includePending: true };
    const first = await exporter.export({ episodeIds: [fx.episodeId], format: "anki", options });
    const before = await readPackage(first.path, join(dir, "1"));
    // analysing again replaces the pending expressions with new rows (new ids)
    await api.analysis.run({
      episodeId: fx.episodeId,
      options: { contextMs: { target: 8_000, tolerance: 4_000 } },
    });
    const rows = await api.expressions.list({ episodeId: fx.episodeId });
    assertEquals(rows.length, 3);
    assertEquals(rows.some((r) => fx.expressionIds.includes(r.id)), false, "new expression ids");
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a newer note mtime, so that Anki updates
    const second = await exporter.export({
      episodeIds: [fx.episodeId],
      format: "anki",
      options: { ...options, paddingAfterMs: 600 },
    });
    assertEquals(second.path, first.path, "a stable name: the new package replaces the old one");
    const after = await readPackage(second.path, join(dir, "2"));
    assertEquals(after.notes.length, before.notes.length);
    assertEquals(after.notes.map((n) => n.guid).sort(), before.notes.map((n) => n.guid).sort());
    assertEquals(
      Object.values(after.media).sort(),
      Object.values(before.media).sort(),
      "media keep their names (Anki renames a changed file itself)",
    );
    assertGreater(after.notes[0].mod, before.notes[0].mod);
    assertEquals(await entriesUnder(fx.decks), ["sample-show-s01e01.apkg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CSV, TSV and JSON hold the same notes, fields and tags as the package; their media sit in a folder beside them", async () => {
  await using fx = await exportFixture();
  await fx.approve();
  const exporter = fx.exporter();
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-apkg-" });
  try {
    const anki = await readPackage(
      (await exporter.export({ episodeIds: [fx.episodeId], format: "anki" })).path,
      dir,
    );
    const expected = new Map(anki.notes.map((n) => [n.guid, [...n.flds.split("\x1f"), n.tags.trim()]]));
    for (const format of ["csv", "tsv"] as const) {
      const result = await exporter.export({ episodeIds: [fx.episodeId], format });
      assertEquals(result.path, join(fx.decks, `sample-show-s01e01.${format}`));
      assertEquals(result.mediaDir, join(fx.decks, "sample-show-s01e01.media"));
      const text = await Deno.readTextFile(result.path);
      assertEquals(text.split("\n")[0], `#separator:${format === "csv" ? "comma" : "tab"}`);
      const rows = parseDelimited(text, format === "csv" ? "," : "\t");
      assertEquals(rows.length, 3);
      assertEquals(new Map(rows.map((r) => [r[0], r.slice(1)])), expected);
    }
    const json = await exporter.export({ episodeIds: [fx.episodeId], format: "json" });
    const doc = JSON.parse(await Deno.readTextFile(json.path)) as ExportDocument;
    assertEquals(doc.fields, [...NOTE_FIELDS]);
    assertEquals(
      new Map(doc.notes.map((n) => [n.guid, [...NOTE_FIELDS.map((f) => n.fields[f]), n.tags.join(" ")]])),
      expected,
    );
    const media = (await entriesUnder(json.mediaDir!)).sort();
    assertEquals(media, Object.values(anki.media).sort());
    assertEquals((await entriesUnder(fx.decks)).sort(), [
      "sample-show-s01e01.apkg",
      "sample-show-s01e01.csv",
      "sample-show-s01e01.json",
      "sample-show-s01e01.media",
      "sample-show-s01e01.tsv",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("timing options: padding and context lines lengthen the audio as asked, a shift moves it", async () => {
  await using fx = await exportFixture();
  await fx.approve();
  const exporter = fx.exporter();
  const rows = await fx.t.caller().expressions.list({ episodeId: fx.episodeId });
  const run = async (options: Record<string, number>) => {
    const result = await exporter.export({ episodeIds: [fx.episodeId], format: "json", options });
    const doc = JSON.parse(await Deno.readTextFile(result.path)) as ExportDocument;
    return await Promise.all(doc.notes.map(async (n) => ({
      note: n,
      row: rows.find((r) => r.id === n.expressionId)!,
      seconds: await audioSeconds(join(result.mediaDir!, n.media.audio!)),
    })));
  };
  for (const { row, seconds } of await run({ paddingBeforeMs: 0, paddingAfterMs: 1_000 })) {
    assertAlmostEquals(seconds, (row.endMs - row.startMs + 1_000) / 1000, 0.05, "no lead, one second after");
  }
  for (const { row, note, seconds } of await run({ contextLinesBefore: 1, contextLinesAfter: 1 })) {
    const at = cues.findIndex((c) => c.startMs === row.startMs);
    const from = cues[at - 1].startMs - 250;
    const to = cues[at + 1].endMs + 250;
    assertAlmostEquals(seconds, (to - from) / 1000, 0.05, "the lines before and after are heard too");
    assertEquals([note.timing.audioStartMs, note.timing.audioEndMs], [from, to]);
    assertEquals(note.fields.Sentence.split("<br>").length, 3);
    assertStringIncludes(note.fields.Sentence, cues[at - 1].text);
    assertStringIncludes(note.fields.Sentence, cues[at + 1].text);
  }
  for (const { row, note, seconds } of await run({ shiftMs: 1_500 })) {
    assertEquals(note.timing.audioStartMs, row.startMs + 1_500 - 250);
    assertEquals(note.timing.screenshotMs, Math.round((row.startMs + row.endMs) / 2) + 1_500);
    assertAlmostEquals(seconds, (row.endMs - row.startMs + 500) / 1000, 0.05);
  }
});

Deno.test("cancelling an export kills its ffmpeg and leaves no file behind", async () => {
  await using fx = await exportFixture();
  await fx.approve();
  const controller = new AbortController();
  const real = new FfmpegProcess(fx.t.daemon.services.library.ffmpeg);
  let started = 0;
  const slow: FfmpegRunner = {
    run(args, options) {
      started++;
      setTimeout(() => controller.abort(new Error("cancelled by the test")), 40);
      return real.run(args, options);
    },
  };
  const error = await assertRejects(
    () =>
      fx.exporter(slow).export({ episodeIds: [fx.episodeId], format: "anki" }, { signal: controller.signal }),
  );
  assertEquals((error as Error).message, "cancelled by the test");
  assertEquals(started, 2, "the audio and the screenshot runs were under way");
  assertEquals(await entriesUnder(fx.decks), []);
  assertEquals((await entriesUnder(join(fx.t.dataDir, "tmp"))).filter((n) => n.startsWith("export-")), []);
  // what a killed daemon would leave: a temp dir and a partial file of a process that is gone
  const exporter = fx.exporter();
  await Deno.mkdir(join(fx.t.dataDir, "tmp", "export-left"), { recursive: true });
  await Deno.mkdir(fx.decks, { recursive: true });
  const gone = `sample-show-s01e01.apkg.${hostname()}-2147483646-0123abcd.part`;
  const running = `sample-show-s01e01.apkg.${hostname()}-${Deno.pid}-0123abcd.part`;
  await Deno.writeTextFile(join(fx.decks, gone), "");
  await Deno.writeTextFile(join(fx.decks, running), "");
  assertEquals(await exporter.removeStale(), 2);
  assertEquals(await entriesUnder(fx.decks), [running], "a running process's partial stays");
  await Deno.remove(join(fx.decks, running));
  // and an export that is never started does not begin
  await assertRejects(
    () =>
      fx.exporter().export({ episodeIds: [fx.episodeId], format: "csv" }, { signal: AbortSignal.abort() }),
  );
  assertEquals(await entriesUnder(fx.decks), []);
});

Deno.test("clear errors: nothing approved says how to fix it; a missing video is named with the fix; without media it still exports", async () => {
  await using fx = await exportFixture();
  const exporter = fx.exporter();
  const nothing = await assertRejects(
    () => exporter.export({ episodeIds: [fx.episodeId], format: "anki" }),
    NothingToExportError,
  );
  assertStringIncludes(
    nothing.message,
    `Episode ${fx.episodeId} (Sample Show S01E01) has no approved expressions (3 pending review)`,
  );
  assertStringIncludes(nothing.message, "includePending");
  const pending = await exporter.export({
    episodeIds: [fx.episodeId],
    format: "json",
    options: { includePending: true },
  });
  assertEquals(pending.notes, 3);

  await fx.approve([fx.expressionIds[0]]);
  const named = await assertRejects(
    () => exporter.export({ expressionIds: fx.expressionIds, format: "csv" }),
    NothingToExportError,
  );
  assertStringIncludes(named.message, `expression ${fx.expressionIds[1]} (pending)`);
  const one = await exporter.export({ expressionIds: [fx.expressionIds[0]], format: "csv" });
  assertEquals(one.notes, 1);
  assertStringIncludes(one.path, `lingoreel-${new Date().toISOString().slice(0, 10)}-1.csv`);

  await Deno.rename(fx.video, `${fx.video}.moved`);
  const missing = await assertRejects(
    () => exporter.export({ episodeIds: [fx.episodeId], format: "anki" }),
    ExportMediaError,
  );
  assertStringIncludes(missing.message, fx.video);
  assertStringIncludes(missing.message, "library.scan");
  assertStringIncludes(missing.message, "media: false");
  const bare = await exporter.export({
    episodeIds: [fx.episodeId],
    format: "anki",
    options: { media: false },
  });
  assertEquals([bare.notes, bare.mediaFiles, bare.ffmpegRuns], [1, 0, 0]);
});
