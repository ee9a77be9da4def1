import { assertEquals, assertThrows } from "@std/assert";
import { decodeText, detectEncoding, parseSubtitles } from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/encoding/", import.meta.url);
const fixture = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));
const srtBytes = (...text: number[]) =>
  new Uint8Array([...new TextEncoder().encode("1\n00:00:01,000 --> 00:00:02,000\n"), ...text, 0x0a]);

Deno.test("every fixture is decoded with its own encoding and reads as the original text", () => {
  const cases: [string, string, string][] = [
    ["fr_utf-8.srt", "utf-8", "Où étais-tu hier soir ?"],
    ["fr_utf-8-bom.srt", "utf-8", "Où étais-tu hier soir ?"],
    ["fr_utf-16le-bom.srt", "utf-16le", "Où étais-tu hier soir ?"],
    ["fr_utf-16be-bom.srt", "utf-16be", "Où étais-tu hier soir ?"],
    ["fr_utf-16le.srt", "utf-16le", "Où étais-tu hier soir ?"],
    ["fr_utf-16be.srt", "utf-16be", "Où étais-tu hier soir ?"],
    ["ja_utf-16le.srt", "utf-16le", "昨日の夜はどこにいたの？"],
    ["fr_windows-1252.srt", "windows-1252", "Où étais-tu hier soir ?"],
    ["de_windows-1252.srt", "windows-1252", "Müller wartet draußen."],
    ["es_windows-1252.srt", "windows-1252", "¿Dónde estabas anoche?"],
    ["ru_windows-1251.srt", "windows-1251", "Где ты был вчера вечером?"],
    ["ja_shift_jis.srt", "shift_jis", "昨日の夜はどこにいたの？"],
    ["ja_euc-jp.srt", "euc-jp", "昨日の夜はどこにいたの？"],
    ["ja_iso-2022-jp.srt", "iso-2022-jp", "昨日の夜はどこにいたの？"],
    ["ko_euc-kr.srt", "euc-kr", "어젯밤에 어디 있었어?"],
    ["zh_gbk.srt", "gb18030", "你昨天晚上去哪儿了？"],
    ["zh_big5.srt", "big5", "你昨天晚上去哪裡了？"],
  ];
  for (const [name, encoding, firstLine] of cases) {
    const result = parseSubtitles(fixture(name), { file: name });
    assertEquals([result.encoding, result.cues[0].text], [encoding, firstLine], name);
    assertEquals(result.cues.length, 3, name);
  }
});

Deno.test("the byte order mark decides, and is not part of the text", () => {
  assertEquals(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), {
    encoding: "utf-8",
    method: "bom",
  });
  assertEquals(detectEncoding(new Uint8Array([0xff, 0xfe, 0x41, 0])), {
    encoding: "utf-16le",
    method: "bom",
  });
  assertEquals(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x41])), {
    encoding: "utf-16be",
    method: "bom",
  });
  assertEquals(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).text, "A");
  assertEquals(decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0])).text, "A");
});

Deno.test("UTF-16 without a BOM is recognised from the NUL bytes at odd or even positions", () => {
  const le = new Uint8Array([..."1\n00:00"].flatMap((c) => [c.charCodeAt(0), 0]));
  const be = new Uint8Array([..."1\n00:00"].flatMap((c) => [0, c.charCodeAt(0)]));
  assertEquals(detectEncoding(le), { encoding: "utf-16le", method: "utf16-pattern" });
  assertEquals(detectEncoding(be), { encoding: "utf-16be", method: "utf16-pattern" });
});

Deno.test("plain ASCII and valid UTF-8 are UTF-8", () => {
  assertEquals(detectEncoding(new TextEncoder().encode("plain")), { encoding: "utf-8", method: "utf8" });
  assertEquals(detectEncoding(new TextEncoder().encode("naïve café")), { encoding: "utf-8", method: "utf8" });
});

Deno.test('"café" in windows-1252 (63 61 66 E9) is windows-1252, with a warning that it was guessed', () => {
  const result = parseSubtitles(srtBytes(0x63, 0x61, 0x66, 0xe9), { file: "cafe.srt" });
  assertEquals([result.encoding, result.cues[0].text], ["windows-1252", "café"]);
  assertEquals(result.warnings.map((w) => w.code), ["encoding"]);
  assertEquals(result.warnings[0].message.includes("read it as windows-1252"), true);
});

Deno.test("short CJK byte strings are told apart: Shift_JIS, EUC-KR, GBK and Big5", () => {
  // こんにちは、元気？ / 안녕하세요 / 你好吗？我很好。 / 你好嗎？我很好。
  const cases: [number[], string, string][] = [
    [[0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd], "shift_jis", "こんにちは"],
    [[0xbe, 0xc8, 0xb3, 0xe7, 0xc7, 0xcf, 0xbc, 0xbc, 0xbf, 0xe4], "euc-kr", "안녕하세요"],
    [
      [0xc4, 0xe3, 0xba, 0xc3, 0xc2, 0xf0, 0xa3, 0xbf, 0xce, 0xd2, 0xba, 0xdc, 0xba, 0xc3, 0xa1, 0xa3],
      "gb18030",
      "你好吗？我很好。",
    ],
    [
      [0xa7, 0x41, 0xa6, 0x6e, 0xb6, 0xdc, 0xa1, 0x48, 0xa7, 0xda, 0xab, 0xdc, 0xa6, 0x6e, 0xa1, 0x43],
      "big5",
      "你好嗎？我很好。",
    ],
  ];
  for (const [bytes, encoding, text] of cases) {
    const result = parseSubtitles(srtBytes(...bytes), { file: `${encoding}.srt` });
    assertEquals([result.encoding, result.cues[0].text], [encoding, text]);
  }
});

Deno.test("a UTF-8 file with one stray byte stays UTF-8, and the lost character is reported", () => {
  const result = parseSubtitles(fixture("fr_utf-8-one-bad-byte.srt"), { file: "one-bad-byte.srt" });
  assertEquals(result.encoding, "utf-8");
  assertEquals(result.cues[0].text, "Où étais-tu hi\uFFFDr soir ?");
  assertEquals(result.cues[1].text, "Chez ma sœur, elle déménageait.");
  assertEquals(result.warnings.map((w) => w.code), ["encoding"]);
  assertEquals(result.warnings[0].message.includes("1 character could not be decoded as utf-8"), true);
});

Deno.test("a given encoding overrides detection, and an unknown label is a clear RangeError", () => {
  const bytes = fixture("ru_windows-1251.srt");
  assertEquals(parseSubtitles(bytes, { file: "ru.srt", encoding: "cp1251" }).encoding, "windows-1251");
  assertEquals(
    parseSubtitles(bytes, { file: "ru.srt", encoding: "latin1" }).cues[0].text.startsWith("Ãäå"),
    true,
  );
  assertEquals(decodeText(bytes, "windows-1251").method, "given");
  assertThrows(() => decodeText(bytes, "klingon"), RangeError, 'Unknown text encoding "klingon"');
});
