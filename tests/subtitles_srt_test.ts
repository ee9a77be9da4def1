import {
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  parseSrt,
  parseSubtitles,
  readSubtitleFile,
  SubtitleParseError,
  type SubtitleWarning,
  writeSrt,
} from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const fixtureText = (name: string) => Deno.readTextFileSync(fixturePath(name));
const raw = (name: string) =>
  parseSubtitles(Deno.readFileSync(fixturePath(name)), { file: fixturePath(name), clean: false });
const lineOf = (text: string, needle: string) =>
  text.split(/\r\n|\r|\n/).findIndex((l) => l.includes(needle)) + 1;
const codes = (warnings: SubtitleWarning[]) => warnings.map((w) => w.code);

Deno.test("a well-formed SRT becomes cues numbered from 1 with times in milliseconds", () => {
  const { format, encoding, cues, warnings } = raw("srt/clean.en.srt");
  assertEquals([format, encoding, warnings], ["srt", "utf-8", []]);
  assertEquals(cues.length, 6);
  assertEquals(cues[0], { index: 1, startMs: 1000, endMs: 3200, text: "Where were you last night?" });
  assertEquals(cues[1].text, "I was at my sister's place.\nShe needed a hand with the move.");
  assertEquals(cues[2].text, "<i>Right. The move.</i>", "markup is the cleaner's business");
  assertEquals(cues[4], { index: 5, startMs: 62_500, endMs: 64_000, text: "It's not a big deal, is it?" });
  assertEquals(cues[5], { index: 6, startMs: 3_723_004, endMs: 3_725_600, text: "Let's call it a night." });
});

Deno.test("a messy SRT with mixed line endings, odd spacing and missing or wrong numbers still parses", () => {
  const { cues } = raw("srt/messy.en.srt");
  assertEquals(cues, [
    { index: 1, startMs: 1000, endMs: 2500, text: "Stray   whitespace" },
    { index: 2, startMs: 3500, endMs: 4750, text: "Dots and short fractions" },
    { index: 3, startMs: 5050, endMs: 6500, text: "Odd arrow and coordinates" },
    { index: 4, startMs: 7000, endMs: 8000, text: "No cue number, no hours" },
    { index: 5, startMs: 9000, endMs: 12_000, text: "Overlapping A" },
    { index: 6, startMs: 10_000, endMs: 11_000, text: "Overlapping B" },
    { index: 7, startMs: 16_000, endMs: 18_000, text: "Count with me:\n42\nand after a blank line" },
    { index: 8, startMs: 20_000, endMs: 22_000, text: "Out of order" },
  ]);
});

Deno.test("cues out of order are sorted by start and renumbered, with one warning", () => {
  const text = "5\n00:00:05,000 --> 00:00:06,000\nlater\n\n1\n00:00:01,000 --> 00:00:02,000\nearlier\n";
  const { cues, warnings } = parseSrt(text, "x.srt");
  assertEquals(cues.map((c) => [c.index, c.text]), [[1, "earlier"], [2, "later"]]);
  assertEquals(codes(warnings), ["sorted"]);
  assertEquals(warnings[0].line, 6);
});

Deno.test("cues with zero or negative duration are dropped with a warning naming the file and line", () => {
  const path = fixturePath("srt/messy.en.srt");
  const { warnings } = raw("srt/messy.en.srt");
  const text = fixtureText("srt/messy.en.srt");
  const dropped = warnings.filter((w) => w.code === "dropped-cue");
  assertEquals(dropped.map((w) => w.line), [
    lineOf(text, "00:00:13,000 --> 00:00:13,000"),
    lineOf(text, "00:00:15,000 --> 00:00:14,000"),
  ]);
  assertStringIncludes(dropped[0].message, `${path} line ${dropped[0].line}`);
  assertStringIncludes(dropped[0].message, "lasts 0 ms");
  assertStringIncludes(dropped[1].message, "ends before it starts");
  assertEquals(codes(warnings).sort(), ["dropped-cue", "dropped-cue", "sorted"]);
});

Deno.test("timestamps: hours optional, comma or dot, fractions of 1-3 digits read as decimals, or none", () => {
  const cases: [string, number, number][] = [
    ["00:00:01,5 --> 00:00:02,05", 1500, 2050],
    ["00:00:01.005 --> 00:00:02.050", 1005, 2050],
    ["01:02,500 --> 01:04,000", 62_500, 64_000],
    ["0:00:01 --> 0:00:02", 1000, 2000],
    ["00:00:01,1234 --> 00:00:02,9999", 1123, 2999],
    ["100:00:00,000 --> 100:00:01,000", 360_000_000, 360_001_000],
  ];
  for (const [timing, startMs, endMs] of cases) {
    const { cues } = parseSrt(`1\n${timing}\ntext\n`, "t.srt");
    assertEquals([cues[0].startMs, cues[0].endMs], [startMs, endMs], timing);
  }
});

Deno.test("the arrow tolerates odd spacing and what follows the end time is ignored", () => {
  for (
    const timing of [
      "00:00:01,000-->00:00:02,000",
      "  00:00:01,000   -->   00:00:02,000  ",
      "00:00:01,000 -> 00:00:02,000",
      "00:00:01,000 -- > 00:00:02,000",
      "00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50",
      "00:00:01,000 --> 00:00:02,000 align:middle line:90%",
    ]
  ) {
    const { cues } = parseSrt(`1\n${timing}\ntext\n`, "t.srt");
    assertEquals([cues[0].startMs, cues[0].endMs, cues[0].text], [1000, 2000, "text"], timing);
  }
});

Deno.test("missing blank lines between cues and blank lines inside a cue are tolerated", () => {
  const text =
    "1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n\n\n\nstill two\n" +
    "00:00:05,000 --> 00:00:06,000\nThree, no number\n";
  assertEquals(parseSrt(text, "t.srt").cues.map((c) => c.text), [
    "One",
    "Two\nstill two",
    "Three, no number",
  ]);
});

Deno.test("an .srt file whose content is WebVTT is read as WebVTT, with a warning", () => {
  const { format, cues, warnings } = raw("srt/really_vtt.srt");
  assertEquals(format, "vtt");
  assertEquals(cues.map((c) => [c.startMs, c.endMs, c.text]), [
    [1000, 3000, "This file says .srt,"],
    [3500, 5000, "but it is WebVTT."],
  ]);
  assertEquals(codes(warnings), ["format-mismatch"]);
});

Deno.test("a lost timing line is an error that names the file, the line and what was expected", () => {
  const path = fixturePath("srt/broken_timing.en.srt");
  const error = assertThrows(() => raw("srt/broken_timing.en.srt"), SubtitleParseError);
  assertEquals([error.name, error.file, error.line], ["SubtitleParseError", path, 14]);
  assertStringIncludes(
    error.message,
    `Cannot parse ${path} line 14: expected a timing line like 00:01:02,500 --> 00:01:04,000 after cue number 4, got "foo".`,
  );
  assertStringIncludes(error.message, "use another subtitle file");
});

Deno.test("a damaged timing line is an error at that line", () => {
  const error = assertThrows(() => raw("srt/bad_timing.srt"), SubtitleParseError);
  assertEquals(error.line, 6);
  assertStringIncludes(error.message, `got "00:00:02,500 --> 00:00:0x,000"`);
});

Deno.test("text before the first cue is an error at its line", () => {
  const error = assertThrows(() => raw("srt/preamble.srt"), SubtitleParseError);
  assertEquals(error.line, 1);
  assertStringIncludes(error.message, `expected a cue number or a timing line`);
  assertStringIncludes(error.message, `got "Downloaded from somewhere.example"`);
});

Deno.test("a file that ends after a cue number keeps its cues and warns", () => {
  const { cues, warnings } = raw("srt/truncated.srt");
  assertEquals(cues.map((c) => c.text), ["The download stopped", "right in the middle"]);
  assertEquals(warnings.map((w) => [w.code, w.line]), [["truncated", 9]]);
});

Deno.test("files that are not subtitles are SubtitleParseErrors that say what they are and what to do", () => {
  const cases: [string, string][] = [
    ["not_subtitles/empty.srt", "the file is empty"],
    ["not_subtitles/blank.srt", "only blank lines"],
    ["not_subtitles/page.srt", "an HTML page"],
    ["not_subtitles/data.srt", "JSON data"],
    ["not_subtitles/ttml.srt", "TTML/DFXP subtitles are not supported"],
    ["not_subtitles/binary.srt", "binary data"],
    ["not_subtitles/notes.vtt", `expected the header line WEBVTT, got "Shopping list"`],
  ];
  for (const [name, problem] of cases) {
    const error = assertThrows(() => raw(name), SubtitleParseError, undefined, name);
    assertStringIncludes(error.message, `Cannot parse ${fixturePath(name)} line `);
    assertStringIncludes(error.message, problem);
    assertEquals(error.file, fixturePath(name));
    assertEquals(error.line >= 1, true);
  }
  const html = assertThrows(() => raw("not_subtitles/page.srt"), SubtitleParseError);
  assertStringIncludes(html.message, "Choose an .srt, .vtt or .ass subtitle file");
});

Deno.test("writeSrt then parseSrt gives the same cues back (clean and messy files)", () => {
  for (const name of ["srt/clean.en.srt", "srt/messy.en.srt"]) {
    const { cues } = raw(name);
    assertEquals(parseSrt(writeSrt(cues), "again.srt").cues, cues, name);
    assertEquals(parseSrt(writeSrt(cues, { newline: "\r\n" }), "again.srt").cues, cues, name);
    const twice = writeSrt(parseSrt(writeSrt(cues), "again.srt").cues);
    assertEquals(twice, writeSrt(cues), "writing is stable too");
  }
});

Deno.test("writeSrt writes the standard layout and keeps text from ending or faking a cue", () => {
  const srt = writeSrt([
    { index: 7, startMs: 3_723_004, endMs: 3_725_600, text: "Line one\n\nLine two --> three" },
    { index: 9, startMs: 3_800_000, endMs: 3_800_500, text: "12" },
  ]);
  assertEquals(
    srt,
    "1\n01:02:03,004 --> 01:02:05,600\nLine one\nLine two -> three\n\n2\n01:03:20,000 --> 01:03:20,500\n12\n",
  );
  assertEquals(parseSrt(srt, "w.srt").cues.map((c) => c.text), ["Line one\nLine two -> three", "12"]);
});

Deno.test("writeSrt keeps a text line that reads as a timing line from starting a cue (found by the fuzzer)", () => {
  // cleaning can leave such a line: "【音楽】2:20.641 --> 2:25.759" loses its brackets
  const cues = [
    {
      index: 1,
      startMs: 1000,
      endMs: 2000,
      text: "Before\n2:20.641 --> 2:25.759\n00:00:05,05 -- > 00:00:06,5 X1:1",
    },
    { index: 2, startMs: 3000, endMs: 4000, text: "1:2:3 -> 1:2:4" },
  ];
  const back = parseSrt(writeSrt(cues), "w.srt").cues;
  assertEquals(back.map((c) => [c.startMs, c.endMs, c.text]), [
    [1000, 2000, "Before\n2:20.641 → 2:25.759\n00:00:05,05 → 00:00:06,5 X1:1"],
    [3000, 4000, "1:2:3 → 1:2:4"],
  ]);
});

Deno.test("readSubtitleFile reads from disk, cleans by default and reports format and encoding", async () => {
  const file = await readSubtitleFile(fixturePath("srt/clean.en.srt"));
  assertEquals([file.format, file.encoding, file.cues.length], ["srt", "utf-8", 6]);
  assertEquals(file.cues[2].text, "Right. The move.");
});

Deno.test("readSubtitleFile refuses a file too large to be subtitles before reading it", async () => {
  const error = await assertRejects(
    () => readSubtitleFile(fixturePath("srt/clean.en.srt"), { maxBytes: 100 }),
    SubtitleParseError,
  );
  assertStringIncludes(error.message, "is it a video with a subtitle extension");
  assertStringIncludes(error.message, `${fixturePath("srt/clean.en.srt")} line 1: the file is `);
  assertStringIncludes(error.message, "more than the 100 bytes a subtitle file may have");
  assertStringIncludes(error.message, "split a concatenated file per episode");
});

Deno.test("readSubtitleFile lets a missing file fail as NotFound", async () => {
  const error = await assertRejects(() => readSubtitleFile(fixturePath("srt/missing.srt")));
  assertInstanceOf(error, Deno.errors.NotFound);
});
