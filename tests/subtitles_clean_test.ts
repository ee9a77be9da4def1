import { assertEquals } from "@std/assert";
import { cleanCues, type CleanOptions, cleanText, parseSubtitles } from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const sdhBytes = () => Deno.readFileSync(new URL("clean/sdh.en.srt", FIXTURES));

Deno.test("default cleaning of an SDH file keeps the dialogue and drops cues left empty, counting them", () => {
  const { cues, warnings } = parseSubtitles(sdhBytes(), { file: "sdh.en.srt" });
  assertEquals(cues, [
    { index: 1, startMs: 2500, endMs: 4000, text: "Who's there?" },
    { index: 2, startMs: 4500, endMs: 6000, text: "Just me." },
    { index: 3, startMs: 8500, endMs: 10_000, text: "- Fine.\n- Come in." },
    { index: 4, startMs: 10_500, endMs: 12_000, text: "Zerowidth and spaces here" },
    { index: 5, startMs: 14_500, endMs: 16_000, text: "It's 10:30: time to go." },
  ]);
  assertEquals(warnings.map((w) => w.code), ["emptied-by-cleaning"]);
  assertEquals(warnings[0].message.includes("3 cues had no text left"), true);
});

Deno.test("clean: false keeps the text exactly as parsed", () => {
  const { cues, warnings } = parseSubtitles(sdhBytes(), { file: "sdh.en.srt", clean: false });
  assertEquals([cues.length, warnings], [8, []]);
  assertEquals(cues[0].text, "[DOOR SLAMS]");
});

Deno.test("each kind of cleaning can be turned off on its own", () => {
  const cases: [CleanOptions, string, string][] = [
    [{ htmlTags: false }, "<i>Hi</i>", "<i>Hi</i>"],
    [{ assTags: false }, "{\\an8}Top", "{\\an8}Top"],
    [{ sdh: false }, "[door slams] (laughs) Hi", "[door slams] (laughs) Hi"],
    [{ music: false }, "♪ la la ♪", "♪ la la ♪"],
    [{ speakerLabels: false }, "JOHN: Hi", "JOHN: Hi"],
    [{ zeroWidth: false }, "a\u200Bb", "a\u200Bb"],
    [{ whitespace: false }, "  a   b  ", "  a   b  "],
  ];
  for (const [options, input, kept] of cases) {
    assertEquals(cleanText(input, options), kept, JSON.stringify(options));
    assertEquals(cleanText(input) !== kept, true, `on by default: ${JSON.stringify(options)}`);
  }
});

Deno.test("HTML tags go, <br> breaks the line, entities are decoded, and text that only looks like a tag stays", () => {
  assertEquals(cleanText('<font color="#ff0000" face="Arial">Red</font> <b>bold</b>'), "Red bold");
  assertEquals(cleanText("one<br/>two<BR>three"), "one\ntwo\nthree");
  assertEquals(cleanText("Tom &amp; Jerry &lt;3"), "Tom & Jerry <3");
  assertEquals(cleanText("I <3 you, x < y > z"), "I <3 you, x < y > z");
});

Deno.test("sound descriptions in brackets and parentheses are removed, also across lines", () => {
  assertEquals(cleanText("[music playing]"), "");
  assertEquals(cleanText("(sighs) Okay."), "Okay.");
  assertEquals(cleanText("[man speaking\nin Spanish]"), "");
  assertEquals(cleanText("（笑）そうだね"), "そうだね");
  assertEquals(cleanText("【ドアの音】誰？"), "誰？");
  assertEquals(cleanText("- [gasps]\n- What?"), "- What?", "a dash left alone is dropped");
});

Deno.test("music lines are dropped; other lines of the cue stay", () => {
  assertEquals(cleanText("♪ Never gonna give you up ♪"), "");
  assertEquals(cleanText("♫"), "");
  assertEquals(cleanText("# Happy birthday #"), "");
  assertEquals(cleanText("♪ la la ♪\nStop singing."), "Stop singing.");
});

Deno.test("upper-case speaker labels at the start of a line are removed, other colons are not", () => {
  assertEquals(cleanText("JOHN: Hi."), "Hi.");
  assertEquals(cleanText("MAN #2: Over here!"), "Over here!");
  assertEquals(cleanText("DR. SMITH: Sit down."), "Sit down.");
  assertEquals(cleanText("- ANNA: Hi.\n- BOB: Hey."), "- Hi.\n- Hey.");
  assertEquals(cleanText("JOSÉ: ¡Hola!"), "¡Hola!");
  assertEquals(cleanText("John: mixed case stays"), "John: mixed case stays");
  assertEquals(cleanText("10:30: the time stays"), "10:30: the time stays");
  assertEquals(cleanText("I: one letter is not a label"), "I: one letter is not a label");
  assertEquals(cleanText("Note: WARNING: only at the start"), "Note: WARNING: only at the start");
});

Deno.test("zero-width characters go and runs of spaces collapse", () => {
  assertEquals(cleanText("\uFEFFzero\u200Bwidth\u200C\u200D\u2060"), "zerowidth");
  assertEquals(cleanText("  many \t  spaces\u00A0\u00A0here  \n\n  next  "), "many spaces here\nnext");
});

Deno.test("cleanCues renumbers the cues it keeps and counts the ones it drops", () => {
  const { cues, dropped } = cleanCues([
    { index: 1, startMs: 0, endMs: 1000, text: "[music]" },
    { index: 2, startMs: 1000, endMs: 2000, text: "<i>Hello</i>" },
    { index: 3, startMs: 2000, endMs: 3000, text: "" },
    { index: 4, startMs: 3000, endMs: 4000, text: "World" },
  ]);
  assertEquals(dropped, 2);
  assertEquals(cues.map((c) => [c.index, c.text]), [[1, "Hello"], [2, "World"]]);
});
