/**
 * Very large or hostile inputs stay within bounded memory and time, or are refused with an error
 * that names the file, the limit and the fix. Memory and time bounds are loose on purpose (the
 * machine may be busy): they separate "linear" from "quadratic" and "a few hundred MB" from
 * "whatever the file asks for", not one implementation from another.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import type { Cue } from "../shared/schemas.ts";
import {
  alignCues,
  cleanText,
  MAX_CUES,
  MAX_SUBTITLE_BYTES,
  MAX_WARNINGS_PER_KIND,
  parseSubtitles,
  readSubtitleFile,
  SubtitleParseError,
  vttPlainText,
} from "../daemon/subtitles/mod.ts";
import { chunkCues } from "../daemon/analysis/chunker.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

const MB = 1024 * 1024;

const srtTime = (ms: number) => {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${
    pad(Math.floor(ms / 1000) % 60)
  },${pad(ms % 1000, 3)}`;
};

/** An SRT of `count` cues, each about `bytesPerCue` long. */
function bigSrt(count: number, bytesPerCue = 100): string {
  const words = "and then she said that we should call it a night because tomorrow is another day";
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const head = `${i + 1}\n${srtTime(i * 1_500)} --> ${srtTime(i * 1_500 + 1_200)}\n`;
    parts.push(`${head}${words.slice(0, Math.max(1, bytesPerCue - head.length - 8))} ${i}\n`);
  }
  return parts.join("\n");
}

/** What `fn` throws, which must be a SubtitleParseError. */
async function parseError(fn: () => unknown): Promise<SubtitleParseError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof SubtitleParseError) return error;
    throw new Error(`expected a SubtitleParseError, got ${error}`, { cause: error });
  }
  throw new Error("expected a SubtitleParseError, but it was accepted");
}

/** Runs `fn`, returning its result and the growth of the heap and of the RSS while it ran (MB). */
function measured<T>(fn: () => T): { result: T; heapMb: number; rssMb: number; ms: number } {
  const before = Deno.memoryUsage();
  const started = performance.now();
  const result = fn();
  const ms = performance.now() - started;
  const after = Deno.memoryUsage();
  return {
    result,
    heapMb: (after.heapUsed - before.heapUsed) / MB,
    rssMb: (after.rss - before.rss) / MB,
    ms,
  };
}

Deno.test("a 10 MB subtitle file of 100,000 cues goes through scan, library.cues and analysis.estimate in bounded memory", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-limits-" });
  try {
    const text = bigSrt(100_000, 105);
    await Deno.writeTextFile(join(root, "Long.Show.S01E01.en.srt"), text);
    await Deno.writeTextFile(join(root, "Long.Show.S01E01.mkv"), "not a video"); // probing fails; the sidecar counts
    const size = (await Deno.stat(join(root, "Long.Show.S01E01.en.srt"))).size;
    assert(size > 10 * MB && size < MAX_SUBTITLE_BYTES, `${size} bytes`);

    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    const api = t.caller();
    assertEquals((await api.library.scan()).added, 1, "the scan lists the file without reading it");
    const [episode] = (await api.library.list({})).items;

    const before = Deno.memoryUsage();
    const cues = await api.library.cues({ episodeId: episode.id });
    const after = Deno.memoryUsage();
    assertEquals(cues.length, 100_000);
    assertEquals(cues.at(-1)!.startMs, 99_999 * 1_500);
    const heapMb = (after.heapUsed - before.heapUsed) / MB;
    const rssMb = (after.rss - before.rss) / MB;
    assert(heapMb < 400, `reading 100,000 cues grew the heap by ${heapMb.toFixed(0)} MB`);
    assert(rssMb < 600, `reading 100,000 cues grew the RSS by ${rssMb.toFixed(0)} MB`);
    assertEquals((await api.library.cues({ episodeId: episode.id, fromMs: 0, toMs: 3_000 })).length, 2);

    // the analysis path cuts it into chunks and prices them before any call
    const estimate = await api.analysis.estimate({ episodeIds: [episode.id] });
    const chunks = estimate.totals.chunks;
    assert(chunks > 100_000 / 80 && chunks < 100_000 / 50, `${chunks} chunks`);
    assertEquals(estimate.totals.calls, chunks, "no reply is cached");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("100,000 cues parse, align (also against a cue lasting the whole file) and chunk in linear time", () => {
  const bytes = new TextEncoder().encode(bigSrt(100_000, 60));
  const parsed = measured(() => parseSubtitles(bytes, { file: "long.en.srt" }));
  assertEquals(parsed.result.cues.length, 100_000);
  assert(parsed.heapMb < 300, `parsing grew the heap by ${parsed.heapMb.toFixed(0)} MB`);

  // 200,000 synthetic cues: a quadratic sweep would take minutes here, the linear one a second
  const n = 200_000;
  const source: Cue[] = Array.from({ length: n }, (_, i) => ({
    index: i + 1,
    startMs: i * 1_000,
    endMs: i * 1_000 + 900,
    text: "s",
  }));
  const sign: Cue = { index: 1, startMs: 0, endMs: n * 1_000, text: "a sign shown all episode long" };
  const target = [sign, ...source.map((c) => ({ ...c, index: c.index + 1, startMs: c.startMs + 100 }))];
  const aligned = measured(() => alignCues(source, target));
  assertEquals(aligned.result.length, n);
  assertEquals(aligned.result[n - 1].targets.map((t) => t.index), [1, n + 1], "the sign covers every cue");
  assert(aligned.ms < 15_000, `aligning ${n} cues took ${aligned.ms.toFixed(0)} ms`);
  const reversed = measured(() => alignCues(target, source));
  assertEquals(reversed.result[0].targets.length, n, "the sign overlaps every cue (one-to-many)");
  assert(reversed.ms < 15_000, `aligning against ${n} cues took ${reversed.ms.toFixed(0)} ms`);

  const chunked = measured(() =>
    chunkCues(parsed.result.cues, { maxCues: 80, maxTokens: 4_000, overlapCues: 4 })
  );
  assertEquals(chunked.result.at(-1)!.cues.at(-1), parsed.result.cues.at(-1));
  assert(chunked.ms < 15_000, `chunking took ${chunked.ms.toFixed(0)} ms`);
});

Deno.test("a track over the cue limit is refused, naming the file, the line, the limit and the fix", async () => {
  const text = bigSrt(1_001, 50);
  for (const [file, bytes] of [["many.srt", text], ["many.vtt", `WEBVTT\n\n${text}`]] as const) {
    const error = await parseError(() =>
      parseSubtitles(new TextEncoder().encode(bytes), { file, maxCues: 1_000 })
    );
    assertEquals(error.file, file);
    assertStringIncludes(error.message, `Cannot parse ${file} line `);
    assertStringIncludes(error.message, "more than 1,000 cues, the most one track may have");
    assertStringIncludes(error.message, "Use the subtitle file of a single episode");
  }
  const events = Array.from(
    { length: 1_001 },
    (_, i) => `Dialogue: 0,0:00:${String(i % 60).padStart(2, "0")}.00,1:00:00.00,Default,,0,0,0,,line ${i}`,
  );
  const ass =
    `[Script Info]\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n${
      events.join("\n")
    }\n`;
  const error = await parseError(() =>
    parseSubtitles(new TextEncoder().encode(ass), { file: "many.ass", maxCues: 1_000 })
  );
  assertEquals(error.line, 1_005, "the Dialogue line of the 1,001st cue");

  // the default limit, through the reader that library.cues uses
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-limits-" });
  try {
    const path = join(dir, "all-seasons.srt");
    const tiny = Array.from(
      { length: MAX_CUES + 1 },
      (_, i) => `${srtTime(i * 10)} --> ${srtTime(i * 10 + 5)}\nx`,
    );
    await Deno.writeTextFile(path, tiny.join("\n\n"));
    const refused = await parseError(() => readSubtitleFile(path));
    assertStringIncludes(
      refused.message,
      `Cannot parse ${path} line ${MAX_CUES * 3 + 1}: the file has more than 200,000 cues`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file over 20 MB, a pipe and a device are refused before reading, naming the file, the limit and the fix", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-limits-" });
  try {
    const huge = join(dir, "movie.mkv.srt");
    await Deno.writeFile(huge, new Uint8Array());
    await Deno.truncate(huge, 25 * MB); // sparse: no disk space used
    const error = await parseError(() => readSubtitleFile(huge));
    assertStringIncludes(
      error.message,
      `Cannot parse ${huge} line 1: the file is 25.0 MB, more than the 20.0 MB`,
    );
    assertStringIncludes(error.message, "is it a video with a subtitle extension");
    assertStringIncludes(error.message, "split a concatenated file per episode");

    const fifo = join(dir, "pipe.srt");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert(made.success, "mkfifo");
    for (const path of [fifo, "/dev/zero", dir]) {
      // reading a pipe or /dev/zero would never end: fail instead of hanging the suite
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${path} did not end`)), 20_000);
      });
      const refused = await parseError(() => Promise.race([readSubtitleFile(path), hung]))
        .finally(() => clearTimeout(timer));
      assertStringIncludes(refused.message, `${path} line 1: this is not a regular file`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file of 50,000 broken cues gives 20 located warnings and one count, not 50,000 warnings", () => {
  const broken = Array.from(
    { length: 50_000 },
    (_, i) => `${i + 1}\n${srtTime(5_000)} --> ${srtTime(5_000)}\nzero`,
  );
  const text = `${broken.join("\n\n")}\n\n50001\n${srtTime(1_000)} --> ${
    srtTime(2_000)
  }\nthe one that lasts\n`;
  const { cues, warnings } = parseSubtitles(new TextEncoder().encode(text), { file: "broken.srt" });
  assertEquals(cues.map((c) => c.text), ["the one that lasts"]);
  const dropped = warnings.filter((w) => w.code === "dropped-cue");
  assertEquals(dropped.length, MAX_WARNINGS_PER_KIND + 1);
  assertEquals(
    dropped.slice(0, -1).every((w) => w.line !== undefined && w.message.includes("lasts 0 ms")),
    true,
  );
  assertEquals(dropped.at(-1)!.message, "broken.srt: 49980 more dropped-cue warnings like the ones above");
});

Deno.test("hostile lines (unclosed tags, long runs of spaces, nested brackets) take linear time", () => {
  const n = 200_000; // quadratic patterns would take minutes at this size
  const cases: [string, () => unknown][] = [
    ["WebVTT: unclosed tags", () => vttPlainText("<a".repeat(n))],
    ["WebVTT: unclosed ruby text", () => vttPlainText("<rt ".repeat(n))],
    ["cleaning: unclosed tags and brackets", () => cleanText("<a [ ( （ 【 {\\".repeat(n / 4))],
    [
      "SRT: a timing line with a long run of spaces before a line separator",
      () =>
        parseSubtitles(
          new TextEncoder().encode(`1\n00:00:01,000 --> 00:00:02,000${" ".repeat(n)}x\u2028y\nhi\n`),
          { file: "spaces.srt" },
        ),
    ],
    [
      "WebVTT: a cue of one huge line",
      () =>
        parseSubtitles(
          new TextEncoder().encode(`WEBVTT\n\n00:01.000 --> 00:02.000\n${"<b>&amp;".repeat(n)}\n`),
          { file: "x.vtt" },
        ),
    ],
    [
      "ASS: a Dialogue line of unclosed override blocks",
      () =>
        parseSubtitles(
          new TextEncoder().encode(
            `[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,${"{\\p1".repeat(n)}\n`,
          ),
          { file: "x.ass" },
        ),
    ],
  ];
  for (const [label, run] of cases) {
    const { ms } = measured(run);
    assert(ms < 10_000, `${label}: ${ms.toFixed(0)} ms`);
  }
});
