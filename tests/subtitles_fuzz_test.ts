/**
 * Fuzzing the whole subtitle path from bytes: encoding detection, format sniffing, the three
 * parsers, cleaning, alignment and the writers. Every case is built from its own seed; a failure
 * names the seed, keeps the input in a temporary file and says how to replay just that case:
 *
 *   LINGOREEL_FUZZ_CASE=<seed> deno test --allow-all tests/subtitles_fuzz_test.ts
 *
 * `LINGOREEL_FUZZ_SEED` changes the base seed (a new set of cases), `LINGOREEL_FUZZ_SCALE` runs
 * that many times more cases (for a long local run).
 */
import { assert, assertEquals } from "@std/assert";
import { type Cue, cueSchema } from "../shared/schemas.ts";
import {
  alignCues,
  cleanCues,
  cuesInWindow,
  decodeText,
  detectEncoding,
  MAX_WARNINGS_PER_KIND,
  parseSrt,
  parseSubtitles,
  parseVtt,
  SubtitleParseError,
  type SubtitleWarning,
  textInWindow,
  writeSrt,
  writeVtt,
} from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const BASE_SEED = Number(Deno.env.get("LINGOREEL_FUZZ_SEED") ?? 20_260_101);
const SCALE = Number(Deno.env.get("LINGOREEL_FUZZ_SCALE") ?? 1);
const ONLY_CASE = Deno.env.get("LINGOREEL_FUZZ_CASE");
const NAMES = ["fuzz.srt", "fuzz.vtt", "fuzz.ass", "fuzz.ssa", "fuzz.txt", "fuzz"];
const encoder = new TextEncoder();

/** Every fixture, the broken and non-subtitle ones and every encoding included. */
function fixtures(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (dir: URL, prefix: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      else if (/\.(srt|vtt|ass|ssa)$/.test(entry.name)) {
        out.push({ name: `${prefix}${entry.name}`, bytes: Deno.readFileSync(new URL(entry.name, dir)) });
      }
    }
  };
  walk(FIXTURES, "");
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
const SEEDS = fixtures();

// Tokens that steer mutations into the decisions of each stage rather than only into noise.
const TEXT_TOKENS = [
  // SRT
  "-->",
  "->",
  "-- >",
  "\n\n",
  "\r",
  "\r\n",
  "\n",
  "00:00:",
  "99:59:59,999",
  "1:2:3.4567891234",
  ",",
  ".",
  ":",
  "99999",
  " X1:40 X2:600",
  // WebVTT
  "WEBVTT",
  "WEBVTT - title\nKind: captions\n",
  "NOTE",
  "STYLE\n::cue { color: red }\n",
  "REGION\nid:r width:40%\n",
  " align:start position:10% line:0 size:50%",
  "<v Bob>",
  "<c.yellow.bg>",
  "</c>",
  "<00:00:01.000>",
  "<ruby>",
  "<rt>",
  "</rt>",
  "</ruby>",
  "<lang en>",
  "&amp;",
  "&lt;",
  "&#99999999;",
  "&#x110000;",
  "&#x1F600;",
  "&nbsp;",
  "&",
  "<",
  ">",
  // ASS / SSA
  "[Script Info]",
  "ScriptType: v4.00+",
  "ScriptType: v4.00",
  "[V4+ Styles]",
  "[V4 Styles]",
  "[Events]",
  "Format: Layer, Start, End, Style, Text",
  "Format: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  "Format: Text",
  "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,",
  "Dialogue:",
  "Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,",
  "{\\an8}",
  "{\\p1}m 0 0 l 100 0{\\p0}",
  "{\\pos(1,2)}",
  "{",
  "}",
  "\\N",
  "\\n",
  "\\h",
  // cleaning
  "[music]",
  "(laughs)",
  "（笑）",
  "【音楽】",
  "♪",
  "# la la #",
  "JOHN:",
  "- MAN #2:",
  "- ",
  "<i>",
  "</i>",
  "<br/>",
  '<font color="#fff">',
  "\u200B",
  "\u2060",
  "\u00A0",
  "\u2028",
  "\uFEFF",
  "\u0000",
  "\t",
  "漢字",
  "Привет",
  "éàü",
].map((token) => encoder.encode(token));

// Byte sequences aimed at encoding detection: BOMs, escapes, invalid and overlong UTF-8.
const BYTE_TOKENS = [
  [0xef, 0xbb, 0xbf],
  [0xff, 0xfe],
  [0xfe, 0xff],
  [0x1b, 0x24, 0x42],
  [0x1b, 0x28, 0x4a],
  [0x00],
  [0x00, 0x00],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe9],
  [0x82, 0xa0],
  [0xa4, 0xa2],
  [0xb0, 0xa1],
  [0xe4, 0xb8],
  [0x7f],
  [0x0c],
].map((bytes) => new Uint8Array(bytes));

/** mulberry32: small and seeded, so any case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, below: number) => Math.floor(random() * below);

function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  let out = Array.from(bytes);
  const at = () => int(random, out.length + 1);
  const steps = 1 + int(random, 8);
  for (let s = 0; s < steps; s++) {
    const i = at();
    switch (int(random, 7)) {
      case 0: // flip bytes
        for (let k = 0; k < 1 + random() * 4 && i + k < out.length; k++) out[i + k] = int(random, 256);
        break;
      case 1: // delete a range
        out.splice(i, int(random, 40));
        break;
      case 2: // duplicate a range
        out.splice(i, 0, ...out.slice(at(), at()).slice(0, 300));
        break;
      case 3:
      case 4: // insert a text token
        out.splice(i, 0, ...pick(random, TEXT_TOKENS));
        break;
      case 5: // insert a byte token
        out.splice(i, 0, ...pick(random, BYTE_TOKENS));
        break;
      default: // truncate
        out = out.slice(0, i);
    }
  }
  return new Uint8Array(out);
}

/** UTF-16 in either byte order, with or without a BOM; now and then a lone surrogate or an odd byte. */
function utf16(text: string, random: Random): Uint8Array {
  const le = random() < 0.5;
  const units = Array.from(text, (ch) => ch).join("");
  const bom = random() < 0.5;
  const out: number[] = bom ? (le ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < units.length; i++) {
    let unit = units.charCodeAt(i);
    if (random() < 0.002) unit = 0xd800 + int(random, 0x800); // a lone or swapped surrogate
    out.push(...(le ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff]));
  }
  if (random() < 0.2) out.push(int(random, 256)); // odd length
  return new Uint8Array(out);
}

const time = (ms: number, sep: string) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${sep}${
    String(ms % 1000).padStart(3, "0")
  }`;
};

/** A file of random cues (overlapping, unsorted, zero-length, long) in one of the formats. */
function synthesize(random: Random): { text: string; name: string } {
  const n = 1 + int(random, 60);
  const cues = Array.from({ length: n }, () => {
    const start = random() < 0.1 ? int(random, 360_000_000) : int(random, 600_000);
    const length = random() < 0.05 ? int(random, 5_000_000) - 1_000 : int(random, 8_000);
    const words = Array.from(
      { length: 1 + int(random, 6) },
      () => new TextDecoder().decode(pick(random, TEXT_TOKENS)) + (random() < 0.5 ? "word" : ""),
    );
    return { start, end: Math.max(0, start + length), text: words.join(random() < 0.2 ? "\n" : " ") };
  });
  switch (int(random, 3)) {
    case 0:
      return {
        name: "synth.srt",
        text: cues.map((c, i) => `${i + 1}\n${time(c.start, ",")} --> ${time(c.end, ",")}\n${c.text}\n`)
          .join("\n"),
      };
    case 1:
      return {
        name: "synth.vtt",
        text: `WEBVTT\n\n${
          cues.map((c) => `${time(c.start, ".")} --> ${time(c.end, ".")}\n${c.text}\n`).join("\n")
        }`,
      };
    default: {
      const ass = (ms: number) => time(ms, ".").slice(0, -1); // centiseconds
      const events = cues.map((c) =>
        `Dialogue: ${int(random, 3)},${ass(c.start)},${ass(c.end)},Default,,0,0,0,,${
          c.text.replaceAll("\n", "\\N")
        }`
      );
      return {
        name: "synth.ass",
        text: `[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, ` +
          `MarginL, MarginR, MarginV, Effect, Text\n${events.join("\n")}\n`,
      };
    }
  }
}

/** The pairs alignment must find, by brute force over every source and target cue. */
function alignReference(source: readonly Cue[], target: readonly Cue[], share = 0.5): number[][] {
  const sorted = (cues: readonly Cue[]) => [...cues].sort((a, b) => a.startMs - b.startMs);
  const targets = sorted(target);
  return sorted(source).map((s) =>
    targets.filter((t) => {
      const overlap = Math.min(s.endMs, t.endMs) - Math.max(s.startMs, t.startMs);
      return overlap > 0 && overlap >= share * Math.min(t.endMs - t.startMs, s.endMs - s.startMs);
    }).map((t) => targets.indexOf(t))
  );
}

function checkCues(cues: readonly Cue[], cleaned: boolean) {
  cues.forEach((cue, i) => {
    cueSchema.parse(cue);
    assertEquals(cue.index, i + 1, "cues are numbered from 1 without gaps");
    assert(cue.endMs > cue.startMs, `cue ${cue.index} lasts`);
    if (i > 0) assert(cue.startMs >= cues[i - 1].startMs, `cue ${cue.index} is in time order`);
    assert(!cue.text.includes("\r"), `cue ${cue.index} has no CR left`);
    if (cleaned) assert(cue.text.trim() !== "", `cleaned cue ${cue.index} has text`);
  });
}

function checkWarnings(warnings: readonly SubtitleWarning[], file: string) {
  for (const w of warnings) assertEquals(w.file, file, `warning ${w.code} names the file`);
  const perKind = new Map<string, number>();
  for (const w of warnings) perKind.set(w.code, (perKind.get(w.code) ?? 0) + 1);
  // the kept ones, one summary, and the reader's own (encoding, format, cleaning) besides
  for (const [code, n] of perKind) assert(n <= MAX_WARNINGS_PER_KIND + 3, `${n} ${code} warnings`);
}

/**
 * A cue's text as written to SRT and read back: blank lines go, and SRT has no escape, so arrows
 * may come back as "->" or "→" (compared here as one arrow).
 */
const srtText = (text: string) =>
  text.split("\n").filter((line) => line.trim() !== "").map((line) =>
    line.trim().replace(/-{1,3}\s*>|→/g, "→")
  )
    .join("\n");

/**
 * One case through every stage. Returns the cues (cleaned) when the bytes were subtitles, or
 * undefined after checking that the error is a located SubtitleParseError.
 */
function runCase(
  bytes: Uint8Array,
  file: string,
  previous: readonly Cue[],
  random: Random,
): Cue[] | undefined {
  const detected = detectEncoding(bytes);
  const decoded = decodeText(bytes);
  assertEquals(decoded.encoding, new TextDecoder(detected.encoding).encoding, "detection and decoding agree");
  assertEquals(decoded.replaced, decoded.text.split("\uFFFD").length - 1, "replacements are counted");

  let parsed;
  try {
    parsed = parseSubtitles(bytes, { file });
  } catch (error) {
    if (!(error instanceof SubtitleParseError)) throw error;
    assertEquals(error.file, file, "the error names the file");
    const lines = decoded.text.split(/\r\n|\r|\n/).length;
    assert(
      Number.isInteger(error.line) && error.line >= 1 && error.line <= lines,
      `line ${error.line} of ${lines}`,
    );
    assert(error.message.startsWith(`Cannot parse ${file} line ${error.line}: `), error.message);
    return undefined;
  }
  checkCues(parsed.cues, true);
  checkWarnings(parsed.warnings, file);

  // cleaning separately gives what the reader gave (cleaning twice may not: an escaped "&lt;i&gt;"
  // is literal text after one pass, by design, and a tag to the next)
  const raw = parseSubtitles(bytes, { file, clean: false });
  checkCues(raw.cues, false);
  assertEquals(cleanCues(raw.cues).cues, parsed.cues, "the reader's cleaning is cleanCues");

  // alignment against another case's cues and against itself, checked by brute force
  for (
    const [source, target] of [[parsed.cues, previous], [previous, parsed.cues], [parsed.cues, parsed.cues]]
  ) {
    const aligned = alignCues(source, target);
    const sortedTargets = [...target].sort((a, b) => a.startMs - b.startMs);
    assertEquals(
      aligned.map((a) => a.targets.map((t) => sortedTargets.indexOf(t))),
      alignReference(source, target),
      "alignment finds exactly the overlapping pairs",
    );
  }
  if (parsed.cues.length) {
    const from = int(random, parsed.cues.at(-1)!.endMs);
    const to = from + 1 + int(random, 30_000);
    const window = cuesInWindow(parsed.cues, from, to);
    assertEquals(textInWindow(parsed.cues, from, to), window.map((c) => c.text).join("\n"));
    for (const c of window) assert(c.startMs < to && c.endMs > from, "a window's cue overlaps it");
  }

  // the writers' output reads back to the same cues
  const srt = parseSrt(writeSrt(parsed.cues), "roundtrip.srt");
  assertEquals(
    srt.cues.map((c) => [c.startMs, c.endMs, srtText(c.text)]),
    parsed.cues.map((c) => [c.startMs, c.endMs, srtText(c.text)]),
    "SRT round trip",
  );
  const vtt = parseVtt(writeVtt(parsed.cues), "roundtrip.vtt");
  assertEquals(
    vtt.cues.map((c) => [c.startMs, c.endMs, c.text]),
    parsed.cues.map((
      c,
    ) => [c.startMs, c.endMs, c.text.split("\n").map((l) => l.trim()).filter(Boolean).join("\n")]),
    "WebVTT round trip",
  );
  return parsed.cues;
}

type Generator = (random: Random) => { bytes: Uint8Array; file: string; from: string };

const GENERATORS: Record<string, Generator> = {
  random(random) {
    const bytes = new Uint8Array(int(random, 4096)).map(() => int(random, 256));
    const bom = random() < 0.3 ? pick(random, BYTE_TOKENS.slice(0, 3)) : new Uint8Array();
    return { bytes: new Uint8Array([...bom, ...bytes]), file: pick(random, NAMES), from: "random bytes" };
  },
  mutation(random) {
    const seed = pick(random, SEEDS);
    const name = random() < 0.5 ? `fuzz-${seed.name.replaceAll("/", "-")}` : pick(random, NAMES);
    return { bytes: mutate(seed.bytes, random), file: name, from: `a mutation of ${seed.name}` };
  },
  utf16(random) {
    const seed = pick(random, SEEDS.filter((s) => !s.name.startsWith("encoding/")));
    const text = new TextDecoder().decode(mutate(seed.bytes, random));
    return {
      bytes: utf16(text, random),
      file: pick(random, NAMES),
      from: `UTF-16 of a mutation of ${seed.name}`,
    };
  },
  synthesized(random) {
    const { text, name } = synthesize(random);
    const bytes = encoder.encode(text);
    return {
      bytes: random() < 0.3 ? mutate(bytes, random) : bytes,
      file: random() < 0.8 ? name : pick(random, NAMES),
      from: "synthesized cues",
    };
  },
};

/** The seed of case `n` of a generator: spread out, so neighbouring cases share nothing. */
const caseSeed = (generator: string, n: number) =>
  (BASE_SEED ^ Math.imul(n + 1, 0x9e3779b1) ^
    Math.imul(generator.length * 131 + generator.charCodeAt(0), 0x85ebca6b)) >>> 0;

function fuzz(generator: string, cases: number): Record<"cues" | "error", number> {
  const outcomes = { cues: 0, error: 0 };
  let previous: readonly Cue[] = [];
  const seeds = ONLY_CASE
    ? [Number(ONLY_CASE)]
    : Array.from({ length: Math.round(cases * SCALE) }, (_, n) => caseSeed(generator, n));
  for (const seed of seeds) {
    const random = prng(seed);
    const { bytes, file, from } = GENERATORS[generator](random);
    try {
      const cues = runCase(bytes, file, previous, random);
      if (cues) previous = cues.slice(0, 200);
      outcomes[cues ? "cues" : "error"]++;
    } catch (error) {
      const saved = Deno.makeTempFileSync({ prefix: "lingoreel-fuzz-", suffix: `-${file}` });
      Deno.writeFileSync(saved, bytes);
      throw new Error(
        `fuzz case ${seed} (${generator}: ${from}, named ${file}) failed; its bytes are in ${saved}. ` +
          `Replay it alone with LINGOREEL_FUZZ_CASE=${seed} deno test --allow-all tests/subtitles_fuzz_test.ts ` +
          `(the alignment check uses the previous case's cues, so it may need the full run).`,
        { cause: error },
      );
    }
  }
  return outcomes;
}

Deno.test("random bytes, with and without byte order marks, give cues or a located SubtitleParseError", () => {
  const outcomes = fuzz("random", 800);
  if (!ONLY_CASE) {
    assert(outcomes.error > outcomes.cues * 5, `garbage is mostly an error: ${JSON.stringify(outcomes)}`);
  }
});

Deno.test("mutated fixtures (every format, encoding and broken file) give valid cues or a located error, and clean, align and write back", () => {
  const outcomes = fuzz("mutation", 1_200);
  if (!ONLY_CASE) {
    assert(outcomes.cues > 120 && outcomes.error > 300, `both outcomes occur: ${JSON.stringify(outcomes)}`);
  }
});

Deno.test("mutated files re-encoded as UTF-16 (either order, with or without BOM, stray surrogates) go through detection and parsing", () => {
  const outcomes = fuzz("utf16", 400);
  if (!ONLY_CASE) assert(outcomes.cues > 25, `some still read: ${JSON.stringify(outcomes)}`);
});

Deno.test("synthesized tracks (overlapping, unsorted, empty, long and noisy cues) parse, clean, align and write back", () => {
  const outcomes = fuzz("synthesized", 500);
  if (!ONLY_CASE) assert(outcomes.cues > 300, `most are subtitles: ${JSON.stringify(outcomes)}`);
});
