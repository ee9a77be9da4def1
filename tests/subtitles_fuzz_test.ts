import { assert, assertEquals } from "@std/assert";
import { cueSchema } from "../shared/schemas.ts";
import { parseSubtitles, SubtitleParseError } from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/", import.meta.url);
const SEEDS = ["srt/clean.en.srt", "srt/messy.en.srt", "vtt/features.vtt", "ass/episode.ass", "ass/old.ssa"];
const NAMES = ["fuzz.srt", "fuzz.vtt", "fuzz.ass", "fuzz.ssa", "fuzz.txt"];
// Tokens that steer mutations into the parsers' decisions rather than only into noise.
const TOKENS = [
  "-->",
  "\n\n",
  "\r",
  "\n",
  "{",
  "}",
  "{\\p1}",
  "<",
  ">",
  "<rt>",
  "&#99999999;",
  "&#x110000;",
  "&",
  "00:00:",
  ",",
  ".",
  ":",
  "[Events]",
  "Dialogue:",
  "Format: Start",
  "WEBVTT",
  "NOTE",
  "\uFEFF",
  "\u0000",
  "99999",
].map((token) => new TextEncoder().encode(token));

/** mulberry32: small, seeded, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  let out = Array.from(bytes);
  const at = () => Math.floor(random() * (out.length + 1));
  const steps = 1 + Math.floor(random() * 6);
  for (let s = 0; s < steps; s++) {
    const i = at();
    switch (Math.floor(random() * 5)) {
      case 0: // flip bytes
        for (let k = 0; k < 1 + random() * 4 && i + k < out.length; k++) {
          out[i + k] = Math.floor(random() * 256);
        }
        break;
      case 1: // delete a range
        out.splice(i, Math.floor(random() * 40));
        break;
      case 2: // duplicate a range
        out.splice(i, 0, ...out.slice(at(), at()).slice(0, 200));
        break;
      case 3: // insert a token
        out.splice(i, 0, ...TOKENS[Math.floor(random() * TOKENS.length)]);
        break;
      default: // truncate
        out = out.slice(0, i);
    }
  }
  return new Uint8Array(out);
}

function check(bytes: Uint8Array, file: string, label: string): "cues" | "error" {
  try {
    const { cues } = parseSubtitles(bytes, { file });
    cues.forEach((cue, i) => {
      cueSchema.parse(cue);
      assertEquals(cue.index, i + 1, label);
      assert(cue.endMs > cue.startMs, label);
      if (i > 0) assert(cue.startMs >= cues[i - 1].startMs, label);
    });
    return "cues";
  } catch (error) {
    if (!(error instanceof SubtitleParseError)) throw new Error(`${label}: ${error}`, { cause: error });
    assertEquals(error.file, file, label);
    assert(Number.isInteger(error.line) && error.line >= 1, label);
    return "error";
  }
}

Deno.test("300 random byte buffers give cues or a SubtitleParseError, never another exception", () => {
  const random = prng(20_260_101);
  const outcomes = { cues: 0, error: 0 };
  for (let n = 0; n < 300; n++) {
    const bytes = new Uint8Array(Math.floor(random() * 2048)).map(() => Math.floor(random() * 256));
    outcomes[check(bytes, NAMES[n % NAMES.length], `random buffer ${n}`)]++;
  }
  assertEquals(outcomes.error > 250, true, `garbage is an error: ${JSON.stringify(outcomes)}`);
});

Deno.test("300 mutations of valid files give valid cues or a SubtitleParseError, never another exception", () => {
  const random = prng(7);
  const seeds = SEEDS.map((name) => Deno.readFileSync(new URL(name, FIXTURES)));
  const outcomes = { cues: 0, error: 0 };
  for (let n = 0; n < 300; n++) {
    const seed = n % seeds.length;
    const name = NAMES[Math.floor(random() * NAMES.length)];
    outcomes[check(mutate(seeds[seed], random), name, `mutation ${n} of ${SEEDS[seed]}`)]++;
  }
  assertEquals(
    outcomes.cues > 100 && outcomes.error > 10,
    true,
    `both outcomes occur: ${JSON.stringify(outcomes)}`,
  );
});
