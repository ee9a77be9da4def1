import { assertEquals } from "@std/assert";
import type { Cue } from "../shared/schemas.ts";
import { alignCues, cuesInWindow, readSubtitleFile, textInWindow } from "../daemon/subtitles/mod.ts";

const FIXTURES = new URL("./fixtures/subtitles/align/", import.meta.url);
const cue = (index: number, startMs: number, endMs: number, text = `c${index}`): Cue => ({
  index,
  startMs,
  endMs,
  text,
});
const pairs = (aligned: ReturnType<typeof alignCues>) =>
  aligned.map((a) => [a.source.index, a.targets.map((t) => t.index)]);

Deno.test("5 English cues align with 3 Spanish cues by time: many-to-one, one-to-many, and gaps", async () => {
  const en = await readSubtitleFile(new URL("source.en.srt", FIXTURES).pathname);
  const es = await readSubtitleFile(new URL("target.es.srt", FIXTURES).pathname);
  const aligned = alignCues(en.cues, es.cues);
  assertEquals(pairs(aligned), [[1, [1]], [2, [1]], [3, []], [4, [2, 3]], [5, []]]);
  assertEquals(aligned.map((a) => a.text), [
    "¿Dónde estuviste anoche?",
    "¿Dónde estuviste anoche?",
    "",
    "En casa de mi hermana.\nSe mudaba, así que la ayudé.",
    "",
  ]);
  assertEquals(aligned[3].source, en.cues[3]);
});

Deno.test("a target counts when the overlap is at least half of the shorter cue", () => {
  const source = [cue(1, 0, 1000)];
  assertEquals(pairs(alignCues(source, [cue(1, 500, 5000)])), [[1, [1]]], "500 of 1000 ms");
  assertEquals(pairs(alignCues(source, [cue(1, 501, 5000)])), [[1, []]], "499 of 1000 ms");
  assertEquals(pairs(alignCues(source, [cue(1, 1000, 2000)])), [[1, []]], "touching is not overlapping");
  assertEquals(pairs(alignCues(source, [cue(1, 700, 5000)], { minOverlapShare: 0.3 })), [[1, [1]]]);
});

Deno.test("tracks that drift apart pair each cue with its own translation, not the neighbour's", () => {
  const source = Array.from({ length: 20 }, (_, i) => cue(i + 1, i * 2200, i * 2200 + 2000));
  for (const drift of [-900, -400, 0, 400, 800, 900]) {
    const target = source.map((c) => cue(c.index, c.startMs + drift + 1000, c.endMs + drift + 1000));
    const shifted = target.map((c) => ({ ...c, startMs: c.startMs - 1000, endMs: c.endMs - 1000 }));
    assertEquals(
      pairs(alignCues(source, shifted)),
      source.map((c) => [c.index, [c.index]]),
      `drift ${drift} ms`,
    );
  }
});

Deno.test("alignment never goes by index: an extra cue at the start of the target does not shift the pairs", () => {
  const source = [cue(1, 1000, 2000, "Hello."), cue(2, 3000, 4000, "Bye.")];
  const target = [cue(1, 0, 500, "[Música]"), cue(2, 1000, 2000, "Hola."), cue(3, 3000, 4000, "Adiós.")];
  assertEquals(alignCues(source, target).map((a) => a.text), ["Hola.", "Adiós."]);
});

Deno.test("overlapping and unsorted target cues are handled, and targets come back in time order", () => {
  const source = [cue(1, 0, 10_000), cue(2, 10_000, 11_000)];
  const target = [cue(3, 4000, 6000), cue(1, 0, 9000), cue(2, 1000, 2000), cue(4, 10_100, 10_900)];
  assertEquals(pairs(alignCues(source, target)), [[1, [1, 2, 3]], [2, [4]]]);
});

Deno.test("the separator joining several targets can be chosen", () => {
  const aligned = alignCues([cue(1, 0, 4000)], [cue(1, 0, 2000, "a\nb"), cue(2, 2000, 4000, "c")], {
    separator: " ",
  });
  assertEquals(aligned[0].text, "a\nb c");
});

Deno.test("on 2,000 x 2,000 irregular cues the sweep finds exactly the pairs a check of every pair finds", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const track = (n: number) => {
    let t = 0;
    return Array.from({ length: n }, (_, i) => {
      t += Math.floor(random() * 3000);
      // Some cues run long and overlap the next ones, as two speakers do.
      return cue(i + 1, t, t + 300 + Math.floor(random() * (random() < 0.1 ? 9000 : 3000)));
    });
  };
  const source = track(2000);
  const target = track(2000);
  const brute = source.map((s) => [
    s.index,
    target.filter((t) => {
      const overlap = Math.min(s.endMs, t.endMs) - Math.max(s.startMs, t.startMs);
      return overlap > 0 && overlap >= 0.5 * Math.min(s.endMs - s.startMs, t.endMs - t.startMs);
    }).map((t) => t.index),
  ]);
  const aligned = alignCues(source, target);
  assertEquals(pairs(aligned), brute);
  assertEquals(aligned.filter((a) => a.targets.length > 1).length > 100, true, "one-to-many occurs");
  assertEquals(aligned.filter((a) => a.targets.length === 0).length > 10, true, "gaps occur");
});

Deno.test("textInWindow gives the target text of a time window, by the same overlap rule", () => {
  const target = [
    cue(1, 0, 2000, "uno"),
    cue(2, 2000, 4000, "dos"),
    cue(3, 4000, 6000, "tres"),
    cue(4, 9000, 9500, "x"),
  ];
  assertEquals(textInWindow(target, 1000, 5000), "uno\ndos\ntres");
  assertEquals(textInWindow(target, 1500, 4500), "dos");
  assertEquals(
    textInWindow(target, 1500, 4500, { separator: " / ", minOverlapShare: 0.2 }),
    "uno / dos / tres",
  );
  assertEquals(textInWindow(target, 6500, 8500), "");
  assertEquals(cuesInWindow(target, 9100, 9200).map((c) => c.index), [4], "a window shorter than the cue");
});
