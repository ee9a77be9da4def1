import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { analysisOptionsSchema, type LlmExpression } from "../shared/analysis.ts";
import type { Cue } from "../shared/schemas.ts";
import {
  chunkCues,
  cueLine,
  fitContext,
  groupScenes,
  MAX_CUE_CHARS,
  parseReply,
  sameExpression,
  selectExpressions,
  validateExpression,
} from "../daemon/analysis/mod.ts";

/** 30 cues, 3 s apart, each 2.5 s long: "line n" with a few real sentences. */
function makeCues(): Cue[] {
  const texts: Record<number, string> = {
    5: "Sorry, I'm running late again.",
    10: "Let's break the ice with some coffee.",
    11: "It's a piece of cake, honestly.",
    12: "Breaking the ice was never my thing.",
    20: "We should call it a day.",
  };
  return Array.from({ length: 30 }, (_, i) => ({
    index: i + 1,
    startMs: i * 3_000,
    endMs: i * 3_000 + 2_500,
    text: texts[i + 1] ?? `Line number ${i + 1}.`,
  }));
}

const cues = makeCues();
const byNumber = new Map(cues.map((c, i) => [c.index, i]));
const options = analysisOptionsSchema.parse({
  targetLanguages: ["es"],
  contextMs: { target: 12_000, tolerance: 6_000 },
});
const chunk = { index: 0, cues: cues.slice(0, 25) };

function expression(over: Partial<LlmExpression> = {}): LlmExpression {
  return {
    expression: "break the ice",
    expressionCue: 10,
    contextStartCue: 8,
    contextEndCue: 12,
    translations: [{
      language: "es",
      expression: "romper el hielo",
      line: "Rompamos el hielo.",
      title: "Rompe el hielo",
    }],
    meaning: "to start a conversation in an awkward situation",
    similar: ["get the ball rolling"],
    example: "He told a joke to break the ice.",
    difficulty: 5,
    usefulness: 8,
    keywords: ["conversation"],
    sceneType: "first meeting",
    ...over,
  };
}

function reason(raw: unknown, c = chunk) {
  const result = validateExpression(raw, c, cues, byNumber, options);
  return result.ok ? "ok" : `${result.value.reason}: ${result.value.detail}`;
}

Deno.test("a valid expression keeps its scene, turned into times", () => {
  const result = validateExpression(expression(), chunk, cues, byNumber, options);
  assertEquals(result.ok, true);
  if (result.ok) {
    assertEquals([result.value.contextStartMs, result.value.contextEndMs], [21_000, 35_500]);
    assertEquals(result.value.cue.index, 10);
  }
});

Deno.test("validation drops an expression that does not match the schema, saying which field", () => {
  assertStringIncludes(reason({ ...expression(), difficulty: 42 }), "schema: difficulty");
  assertStringIncludes(reason({ expression: "x" }), "schema:");
});

Deno.test("validation drops cue numbers outside the chunk", () => {
  assertStringIncludes(
    reason(expression({ expressionCue: 27, contextEndCue: 28 })),
    "index_outside_chunk: expressionCue 27",
  );
  assertStringIncludes(reason(expression({ contextStartCue: 0 })), "index_outside_chunk: contextStartCue 0");
});

Deno.test("validation drops a scene that does not contain its expression", () => {
  assertStringIncludes(reason(expression({ contextStartCue: 11, contextEndCue: 14 })), "context_order");
});

Deno.test("validation finds the text case- and punctuation-insensitively, and drops it when absent", () => {
  assertEquals(reason(expression({ expression: "BREAK the ice!" })), "ok");
  assertEquals(reason(expression({ expression: "a piece of cake", expressionCue: 11 })), "ok");
  assertStringIncludes(reason(expression({ expression: "spill the beans" })), "text_not_in_line");
});

Deno.test("validation drops an expression without a translation into every target language", () => {
  const two = analysisOptionsSchema.parse({ targetLanguages: ["es", "fr"] });
  const result = validateExpression(expression(), chunk, cues, byNumber, two);
  assertEquals(!result.ok && result.value.reason, "missing_translation");
  assertEquals(!result.ok && result.value.detail, "no translation into fr");
});

Deno.test("a scene that is too short grows by whole lines, and one that cannot is dropped", () => {
  // 10..10 is one 2.5 s line: grows to at least 6 s with the expression off the edges
  const result = validateExpression(
    expression({ contextStartCue: 10, contextEndCue: 10 }),
    chunk,
    cues,
    byNumber,
    options,
  );
  assertEquals(result.ok, true);
  if (result.ok) {
    assertEquals(result.value.contextEndMs - result.value.contextStartMs >= 6_000, true);
    assertEquals(result.value.contextStart < 9 && result.value.contextEnd > 9, true);
  }
  const tiny = [{ index: 1, startMs: 0, endMs: 1_000, text: "Hi there." }, {
    index: 2,
    startMs: 1_100,
    endMs: 2_000,
    text: "Break the ice.",
  }, {
    index: 3,
    startMs: 2_100,
    endMs: 3_000,
    text: "Ok.",
  }];
  const out = validateExpression(
    expression({ expressionCue: 2, contextStartCue: 1, contextEndCue: 3 }),
    { index: 0, cues: tiny },
    tiny,
    new Map(tiny.map((c, i) => [c.index, i])),
    options,
  );
  assertEquals(!out.ok && out.value.reason, "context_too_short");
});

Deno.test("a scene that is too long is trimmed by whole lines from the far side, or dropped", () => {
  const result = validateExpression(
    expression({ contextStartCue: 1, contextEndCue: 12 }),
    chunk,
    cues,
    byNumber,
    options,
  );
  assertEquals(result.ok, true);
  if (result.ok) assertEquals(result.value.contextEndMs - result.value.contextStartMs <= 18_000, true);
  // a single 40-second line cannot be trimmed
  const long = [
    { index: 1, startMs: 0, endMs: 1_000, text: "Before." },
    { index: 2, startMs: 1_000, endMs: 41_000, text: "Break the ice." },
    { index: 3, startMs: 41_000, endMs: 42_000, text: "After." },
  ];
  const out = validateExpression(
    expression({ expressionCue: 2, contextStartCue: 1, contextEndCue: 3 }),
    { index: 0, cues: long },
    long,
    new Map(long.map((c, i) => [c.index, i])),
    options,
  );
  assertEquals(!out.ok && out.value.reason, "context_too_long");
});

Deno.test("an expression on the first line of the episode cannot have a line before it and is dropped", () => {
  const first = cues.map((c) => c.index === 1 ? { ...c, text: "Break the ice, everyone." } : c);
  const out = validateExpression(
    expression({ expressionCue: 1, contextStartCue: 1, contextEndCue: 4 }),
    chunk,
    first,
    byNumber,
    options,
  );
  assertEquals(!out.ok && out.value.reason, "edge_of_context");
  // elsewhere the scene is widened by a line instead
  const widened = validateExpression(
    expression({ contextStartCue: 10, contextEndCue: 13 }),
    chunk,
    cues,
    byNumber,
    options,
  );
  assertEquals(widened.ok && widened.value.contextStart, 8);
});

Deno.test("fitContext never leaves the expression on an edge when it can widen", () => {
  const fitted = fitContext(cues, 9, 9, 9, { target: 6_000, tolerance: 3_000 });
  assertEquals(fitted, { from: 8, to: 10 });
});

Deno.test("malformed and incomplete replies are told apart from valid ones", () => {
  assertEquals(parseReply('{"expressions": []}'), { ok: true, expressions: [] });
  assertEquals(parseReply('{"expressions": [').ok, false);
  assertStringIncludes((parseReply('{"other": 1}') as { message: string }).message, "no expressions list");
});

Deno.test("chunks respect the cue and token limits and overlap by the given number of cues", () => {
  const chunks = chunkCues(cues, { maxCues: 10, maxTokens: 10_000, overlapCues: 3 });
  assertEquals(chunks.map((c) => [c.cues[0].index, c.cues.at(-1)!.index]), [[1, 10], [8, 17], [15, 24], [
    22,
    30,
  ]]);
  const byTokens = chunkCues(cues, { maxCues: 100, maxTokens: 40, overlapCues: 1 });
  for (const c of byTokens) assertEquals(c.cues.map(cueLine).join("\n").length / 4 <= 60, true);
  assertEquals(byTokens.at(-1)!.cues.at(-1)!.index, 30, "every cue is covered");
});

Deno.test("a cue of megabytes (a malformed file) is shown to the model shortened, so no request is oversized", () => {
  const huge = { ...cues[0], text: "la ".repeat(1_000_000) };
  const line = cueLine(huge);
  assert(line.length <= MAX_CUE_CHARS + 20, `${line.length} characters`);
  assert(line.endsWith("…"));
  const chunks = chunkCues([huge, ...cues.slice(1)], { maxCues: 100, maxTokens: 2_000, overlapCues: 1 });
  for (const c of chunks) assert(c.cues.map(cueLine).join("\n").length / 4 <= 2_000);
});

Deno.test("duplicates across chunks are dropped, near-duplicates too, and the rest ranked for the level", () => {
  const valid = (e: LlmExpression) => {
    const r = validateExpression(e, chunk, cues, byNumber, options);
    if (!r.ok) throw new Error(r.value.detail);
    return r.value;
  };
  const all = [
    valid(expression()),
    { ...valid(expression()), chunkIndex: 1 }, // the same line, seen again in the overlap
    valid(
      expression({ expression: "breaking the ice", expressionCue: 12, contextEndCue: 14, difficulty: 4 }),
    ),
    valid(
      expression({
        expression: "a piece of cake",
        expressionCue: 11,
        difficulty: 3,
        usefulness: 9,
        sceneType: "chat",
        keywords: ["easy"],
      }),
    ),
    valid(
      expression({
        expression: "running late",
        expressionCue: 5,
        contextStartCue: 3,
        contextEndCue: 7,
        difficulty: 9,
        usefulness: 2,
        keywords: ["time"],
      }),
    ),
  ];
  const picked = selectExpressions(all, "intermediate", 2);
  assertEquals(picked.filter((p) => p.kept).map((p) => p.expression.reply.expression), [
    "break the ice",
    "a piece of cake",
  ]);
  const dropped = picked.filter((p) => !p.kept).map((p) => !p.kept && p.reason);
  assertEquals(dropped.sort(), ["duplicate", "duplicate", "ranked_out"]);
  assertEquals(sameExpression("Call it a day!", "call it a day"), true);
  assertEquals(sameExpression("call it a day", "call it a night out"), false);
});

Deno.test("overlapping scenes share one group; a merge longer than a Short is not made", () => {
  const s = (a: number, b: number) => ({
    contextStart: a,
    contextEnd: b,
    contextStartMs: a * 1000,
    contextEndMs: b * 1000,
  });
  const groups = groupScenes([s(20, 30), s(0, 10), s(5, 15), s(40, 50)]);
  assertEquals(groups.map((g) => [g.contextStartMs, g.contextEndMs, g.members]), [
    [0, 15_000, [1, 2]],
    [20_000, 30_000, [0]],
    [40_000, 50_000, [3]],
  ]);
  assertEquals(groupScenes([s(0, 40), s(30, 70)], 60_000).length, 2);
});
