import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { assPlainText, parseAss, parseSubtitles, SubtitleParseError } from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const raw = (name: string) =>
  parseSubtitles(Deno.readFileSync(fixturePath(name)), { file: fixturePath(name), clean: false });

Deno.test("ASS Dialogue lines become cues; Comment lines, override tags and drawings do not", () => {
  const { format, cues, warnings } = raw("ass/episode.ass");
  assertEquals([format, warnings], ["ass", []]);
  assertEquals(cues, [
    { index: 1, startMs: 1500, endMs: 3000, text: "Well, well, well." },
    { index: 2, startMs: 3200, endMs: 5000, text: "Hello, world!\nSecond line" },
    { index: 3, startMs: 5500, endMs: 7000, text: "soft\nbreak and hard space" },
    { index: 4, startMs: 7000, endMs: 9000, text: "Before after the drawing." },
    { index: 5, startMs: 9500, endMs: 11_000, text: "Shadowed" },
    { index: 6, startMs: 11_500, endMs: 12_050, text: "One-digit and two-digit fractions" },
  ]);
});

Deno.test("the field order comes from the Format line, and Text keeps its commas", () => {
  const { cues } = raw("ass/reordered.ass");
  assertEquals(cues.map((c) => [c.index, c.startMs, c.endMs, c.text]), [
    [1, 1000, 2000, "First, with commas, many commas"],
    [2, 2000, 3000, "Second, by start time"],
  ]);
});

Deno.test("an SSA (V4) script is recognised as ssa and read by the same parser", () => {
  const { format, cues } = raw("ass/old.ssa");
  assertEquals(format, "ssa");
  assertEquals(cues.map((c) => c.text), ["Old but gold.", "Still readable."]);
});

Deno.test("assPlainText removes override blocks, drawing-mode text, and maps \\N, \\n and \\h", () => {
  assertEquals(assPlainText("{\\an8}{\\pos(10,20)}Top{\\c&HFF&} text"), "Top text");
  assertEquals(assPlainText("A\\NB\\nC\\hD"), "A\nB\nC D");
  assertEquals(assPlainText("{\\p1}m 0 0 l 1 1"), "", "drawing to the end of the line");
  assertEquals(assPlainText("{\\pbo0\\pos(1,2)}not a drawing"), "not a drawing");
  assertEquals(assPlainText("x{\\p1}m 0 0{\\p0}y"), "xy");
  assertEquals(assPlainText("a {TL note: pun} b"), "a  b", "comments in braces are hidden too");
  assertEquals(assPlainText("unclosed { brace"), "unclosed { brace");
});

Deno.test("Dialogue before any Format line uses the standard ASS field order", () => {
  const text = "[Script Info]\n[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hi, there\n";
  assertEquals(parseAss(text, "x.ass").cues.map((c) => c.text), ["Hi, there"]);
});

Deno.test("a bad time in a Dialogue line is an error naming the file, the line and the field", () => {
  const error = assertThrows(() => raw("ass/bad_time.ass"), SubtitleParseError);
  assertEquals([error.file, error.line], [fixturePath("ass/bad_time.ass"), 7]);
  assertStringIncludes(error.message, `expected an end time like 0:01:02.50, got "soon"`);
});

Deno.test("a Dialogue line with too few fields is an error that cites the Format line", () => {
  const error = assertThrows(() => raw("ass/too_few_fields.ass"), SubtitleParseError);
  assertEquals(error.line, 6);
  assertStringIncludes(error.message, "expected 10 comma-separated fields as in the Format line (line 5)");
});

Deno.test("a Format line without Start, End or Text is an error at that line", () => {
  const text = "[Script Info]\n[Events]\nFormat: Layer, Start, Style, Text\n";
  assertThrows(
    () => parseAss(text, "f.ass"),
    SubtitleParseError,
    "f.ass line 3: the [Events] Format line has no End",
  );
});

Deno.test("a script without an [Events] section is an error; one without Dialogue is empty with a warning", () => {
  const error = assertThrows(() => raw("ass/no_events.ass"), SubtitleParseError);
  assertStringIncludes(error.message, "without an [Events] section");
  const empty = parseAss("[Script Info]\n[Events]\nFormat: Layer, Start, End, Text\n", "e.ass");
  assertEquals([empty.cues, empty.warnings.map((w) => w.code)], [[], ["no-cues"]]);
});
