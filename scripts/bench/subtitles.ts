/**
 * Subtitle parsing and alignment speed on generated 2,000-cue tracks.
 *
 *   deno run --allow-read scripts/bench/subtitles.ts            # table
 *   deno run --allow-read scripts/bench/subtitles.ts --json     # JSON
 *   deno run --allow-read scripts/bench/subtitles.ts --runs 50
 *
 * "parseSubtitles" is the whole path from bytes: encoding detection, format sniffing, parsing,
 * sorting, cleaning. "parser only" is the format parser on already decoded text. Each figure is
 * the median of `runs` timed runs after 5 warm-up runs. The SRT budget is 50 ms.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import type { Cue } from "../../shared/schemas.ts";
import {
  alignCues,
  parseAss,
  parseSrt,
  parseSubtitles,
  parseVtt,
  writeSrt,
  writeVtt,
} from "../../daemon/subtitles/mod.ts";

const args = Deno.args;
const json = args.includes("--json");
const runs = Number(args[args.indexOf("--runs") + 1]) || 20;
const CUES = 2000;
const SRT_BUDGET_MS = 50;

const LINES = [
  "Where were you last night?",
  "<i>I was at my sister's place.</i>",
  "JOHN: She needed a hand with the move.",
  "[door slams] Don't give me that look.",
  "It's not a big deal, is it?\nLet's call it a night.",
];

function track(n: number, stepMs: number, lengthMs: number, offsetMs = 0): Cue[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i + 1,
    startMs: offsetMs + i * stepMs,
    endMs: offsetMs + i * stepMs + lengthMs,
    text: LINES[i % LINES.length],
  }));
}

function assTime(ms: number): string {
  const cs = Math.floor(ms / 10);
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${
    String(cs % 100).padStart(2, "0")
  }`;
}

function writeAss(cues: Cue[]): string {
  const events = cues.map((c) =>
    `Dialogue: 0,${assTime(c.startMs)},${assTime(c.endMs)},Default,,0,0,0,,{\\i1}${
      c.text.replaceAll("\n", "\\N")
    }`
  );
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize",
    "Style: Default,Arial,60",
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}

/** A Shift_JIS SRT built from the fixture's encoded lines, so detection has to score encodings. */
function shiftJisSrt(n: number): Uint8Array {
  const fixture = Deno.readFileSync(
    new URL("../../tests/fixtures/subtitles/encoding/ja_shift_jis.srt", import.meta.url),
  );
  const lines: Uint8Array[] = [];
  for (let start = 0, i = 0; i <= fixture.length; i++) {
    if (i === fixture.length || fixture[i] === 0x0a) {
      lines.push(fixture.subarray(start, i));
      start = i + 1;
    }
  }
  const texts = [lines[2], lines[6], lines[10]];
  const ascii = new TextEncoder();
  const parts: number[] = [];
  const source = track(n, 3000, 2500);
  source.forEach((cue, i) => {
    const head = writeSrt([cue]).split("\n").slice(0, 2).join("\n").replace(/^1\n/, `${i + 1}\n`);
    parts.push(...ascii.encode(`${head}\n`), ...texts[i % 3], ...ascii.encode("\n\n"));
  });
  return new Uint8Array(parts);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(fn: () => unknown): { medianMs: number; maxMs: number } {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { medianMs: round(median(samples)), maxMs: round(Math.max(...samples)) };
}

const cues = track(CUES, 3000, 2500);
const texts = { srt: writeSrt(cues), vtt: writeVtt(cues), ass: writeAss(cues) };
const encoder = new TextEncoder();
const bytes = {
  srt: encoder.encode(texts.srt),
  vtt: encoder.encode(texts.vtt),
  ass: encoder.encode(texts.ass),
};
const sjis = shiftJisSrt(CUES);

const check = parseSubtitles(sjis, { file: "bench.ja.srt" });
if (check.encoding !== "shift_jis" || check.cues.length !== CUES) {
  throw new Error(`the Shift_JIS bench file read as ${check.encoding} with ${check.cues.length} cues`);
}

const rows = [
  {
    name: "SRT",
    bytes: bytes.srt.length,
    full: time(() => parseSubtitles(bytes.srt, { file: "bench.srt" })),
    parser: time(() => parseSrt(texts.srt, "bench.srt")),
  },
  {
    name: "WebVTT",
    bytes: bytes.vtt.length,
    full: time(() => parseSubtitles(bytes.vtt, { file: "bench.vtt" })),
    parser: time(() => parseVtt(texts.vtt, "bench.vtt")),
  },
  {
    name: "ASS",
    bytes: bytes.ass.length,
    full: time(() => parseSubtitles(bytes.ass, { file: "bench.ass" })),
    parser: time(() => parseAss(texts.ass, "bench.ass")),
  },
  {
    name: "SRT Shift_JIS",
    bytes: sjis.length,
    full: time(() => parseSubtitles(sjis, { file: "bench.ja.srt" })),
    parser: undefined,
  },
];
// Targets with other boundaries: 1.6 s steps against 3 s steps, so one-to-many and many-to-one mix.
const source = cues;
const target = track(CUES, 1600, 2000, 300);
const alignment = time(() => alignCues(source, target));
const paired = alignCues(source, target).filter((a) => a.targets.length > 0).length;

const result = {
  cues: CUES,
  runs,
  parse: rows.map((r) => ({
    format: r.name,
    bytes: r.bytes,
    parseSubtitles: r.full,
    parserOnly: r.parser ?? null,
  })),
  srtBudgetMs: SRT_BUDGET_MS,
  srtWithinBudget: rows[0].full.medianMs < SRT_BUDGET_MS,
  alignment: { source: source.length, target: target.length, pairedSourceCues: paired, ...alignment },
};

if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(
    `subtitles: ${CUES}-cue tracks, median of ${runs} runs after warm-up (${Deno.build.os}, ${navigator.hardwareConcurrency} cores)`,
  );
  console.log(
    `  ${"format".padEnd(14)} ${"size".padStart(8)}   ${"parseSubtitles".padStart(18)}   ${
      "parser only".padStart(18)
    }`,
  );
  const cell = (t?: { medianMs: number; maxMs: number }) =>
    t ? `${t.medianMs.toFixed(2)} ms (max ${t.maxMs.toFixed(1)})`.padStart(18) : "—".padStart(18);
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(14)} ${`${Math.round(r.bytes / 1024)} KB`.padStart(8)}   ${cell(r.full)}   ${
        cell(r.parser)
      }`,
    );
  }
  console.log(
    `  SRT budget < ${SRT_BUDGET_MS} ms: ${result.srtWithinBudget ? "ok" : "OVER"}`,
  );
  console.log(
    `  alignment ${source.length} x ${target.length}   ${cell(alignment)}   (${paired} source cues paired)`,
  );
}
if (!result.srtWithinBudget) Deno.exit(1);
