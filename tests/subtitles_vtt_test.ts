import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  parseSubtitles,
  parseVtt,
  SubtitleParseError,
  vttPlainText,
  writeVtt,
} from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const raw = (name: string) =>
  parseSubtitles(Deno.readFileSync(fixturePath(name)), { file: fixturePath(name), clean: false });

Deno.test("WebVTT: header text, NOTE/STYLE/REGION blocks, identifiers, settings and short times", () => {
  const { format, cues, warnings } = raw("vtt/features.vtt");
  assertEquals([format, warnings], ["vtt", []]);
  assertEquals(cues, [
    { index: 1, startMs: 1000, endMs: 3500, text: "Hello there!" },
    { index: 2, startMs: 3800, endMs: 5000, text: "No hours on this one." },
    { index: 3, startMs: 5500, endMs: 7000, text: "Tom & Jerry <3\nbold and underlined" },
    { index: 4, startMs: 7500, endMs: 9000, text: "One two three" },
    { index: 5, startMs: 9500, endMs: 11_000, text: "漢字を読む" },
    { index: 6, startMs: 11_500, endMs: 13_000, text: "a\u00A0b\u200Ec\u200Fd é ☺ &bogus;" },
    { index: 7, startMs: 13_500, endMs: 15_000, text: "Multi-voice\nsecond line" },
  ]);
});

Deno.test("vttPlainText keeps the text of voice, class and style spans and drops ruby readings", () => {
  assertEquals(vttPlainText("<v Roger Bingham>We are in New York City</v>"), "We are in New York City");
  assertEquals(vttPlainText("<v.first.loud Esme>It's a blue apple tree!"), "It's a blue apple tree!");
  assertEquals(
    vttPlainText("<c.yellow.bg_blue>This</c> is <i>it</i>, <b>really</b> <u>it</u>"),
    "This is it, really it",
  );
  assertEquals(vttPlainText("<ruby>東<rt>とう</rt>京<rt>きょう</rt></ruby>"), "東京");
  assertEquals(
    vttPlainText("<ruby>日本<rt>にほん</ruby>です"),
    "日本です",
    "an unclosed <rt> ends at </ruby>",
  );
  assertEquals(vttPlainText("<00:00:01.000>Never <00:00:01.500>drink"), "Never drink");
  assertEquals(vttPlainText("1 &lt; 2 &amp;&amp; 3 &gt; 2&nbsp;!"), "1 < 2 && 3 > 2\u00A0!");
  assertEquals(vttPlainText("&lt;i&gt;literal&lt;/i&gt;"), "<i>literal</i>", "escaped tags stay text");
  assertEquals(
    vttPlainText("&#1114112; &#0; &#x41;"),
    "&#1114112; &#0; A",
    "invalid references stay as written",
  );
});

Deno.test("a block without a timing line is skipped with a warning; a cue may follow text without a blank line", () => {
  const { cues, warnings } = raw("vtt/stray_block.vtt");
  assertEquals(cues.map((c) => [c.startMs, c.text]), [
    [1000, "Fine."],
    [2500, "Also fine."],
    [3500, "No blank line before this cue."],
  ]);
  assertEquals(warnings.map((w) => [w.code, w.line]), [["skipped-block", 6]]);
});

Deno.test("a damaged WebVTT timing line is an error naming file and line", () => {
  const error = assertThrows(() => raw("vtt/bad_timing.vtt"), SubtitleParseError);
  assertEquals([error.file, error.line], [fixturePath("vtt/bad_timing.vtt"), 9]);
  assertStringIncludes(error.message, "expected a timing line like 00:01:02.500 --> 00:01:04.000");
});

Deno.test("a WebVTT header with no cues is an empty track with a warning, not an error", () => {
  const { cues, warnings } = parseVtt("WEBVTT\n\nNOTE nothing here yet\n", "empty.vtt");
  assertEquals(cues, []);
  assertEquals(warnings.map((w) => w.code), ["no-cues"]);
});

Deno.test("the header must be WEBVTT; a cue may follow the header line directly", () => {
  assertThrows(
    () => parseVtt("WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n", "h.vtt"),
    SubtitleParseError,
    "line 1",
  );
  assertEquals(parseVtt("\uFEFFWEBVTT\n00:01.000 --> 00:02.000\nx\n", "h.vtt").cues.length, 1);
});

Deno.test("a .vtt file without a header but with SRT content is read as SRT, with a warning", () => {
  const bytes = new TextEncoder().encode("1\n00:00:01,000 --> 00:00:02,000\nHi\n");
  const { format, cues, warnings } = parseSubtitles(bytes, { file: "mislabelled.vtt" });
  assertEquals([format, cues.length, warnings.map((w) => w.code)], ["srt", 1, ["format-mismatch"]]);
});

Deno.test("writeVtt then parseVtt gives the same cues back, escapes included", () => {
  const { cues } = raw("vtt/features.vtt");
  const written = writeVtt(cues);
  assertEquals(written.startsWith("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\nHello there!\n\n2\n"), true);
  assertEquals(parseVtt(written, "again.vtt").cues, cues);
  const tricky = [{ index: 1, startMs: 1, endMs: 3_600_000, text: "a --> b & <c>\n\nd&amp;" }];
  assertEquals(parseVtt(writeVtt(tricky), "t.vtt").cues, [{ ...tricky[0], text: "a --> b & <c>\nd&amp;" }]);
});
