import { join } from "@std/path";
import { SAMPLE_FILE } from "../../daemon/analysis/sample_seed.ts";
import type { Cue } from "../../shared/schemas.ts";
import type { LlmExpression } from "../../shared/analysis.ts";

/** Cues as an SRT file. */
export function toSrt(cues: Cue[]): string {
  return cues.map((c) => {
    const t = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace(".", ",");
    return `${c.index}\n${t(c.startMs)} --> ${t(c.endMs)}\n${c.text}\n`;
  }).join("\n");
}

/** One expression as the model would reply it, on cue `cue` with the lines around it as its scene. */
function seedExpression(text: string, cue: number): LlmExpression {
  return {
    expression: text,
    expressionCue: cue,
    contextStartCue: cue - 1,
    contextEndCue: cue + 1,
    translations: [{
      language: "es",
      expression: `«${text}»`,
      line: `Línea ${cue} traducida.`,
      title: `Aprende «${text}»`,
    }],
    meaning: `what ${text} means`,
    similar: ["similar one", "similar two"],
    example: `An example with ${text}.`,
    difficulty: 5,
    usefulness: 8,
    keywords: ["test"],
    sceneType: "test",
  };
}

/**
 * Writes the hand-written analyses of "Sample Show" S01E01 (the expressions at these cues) next
 * to its episodes, so that `analysis.run` takes them without a key.
 */
export async function writeSampleAnalyses(
  root: string,
  expressions: [text: string, cue: number][],
): Promise<void> {
  await Deno.writeTextFile(
    join(root, "Sample Show", SAMPLE_FILE),
    JSON.stringify({
      format: "lingoreel-sample-analyses",
      show: "Sample Show",
      episodes: { S01E01: { expressions: expressions.map(([text, cue]) => seedExpression(text, cue)) } },
    }),
  );
}
