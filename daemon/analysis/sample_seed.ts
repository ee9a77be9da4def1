/**
 * The hand-written analyses that come with the sample library (`scripts/make-sample` writes
 * `lingoreel-sample-analyses.json` into the show's folder). Sample episodes are answered from
 * them instead of the LLM, so the product can be tried end to end without a Gemini key; the
 * calls and expressions are marked as sample data.
 */
import { dirname, join } from "@std/path";
import { z } from "zod";

/** The name of the file make-sample writes. */
export const SAMPLE_FILE = "lingoreel-sample-analyses.json";

const sampleFileSchema = z.object({
  format: z.literal("lingoreel-sample-analyses"),
  show: z.string(),
  episodes: z.record(z.string(), z.object({ expressions: z.array(z.unknown()) })),
});

/**
 * The sample reply for an episode, if its show folder has a sample file naming it; only the
 * expressions whose lines fall in `[firstCue, lastCue]` (one chunk) are returned.
 */
export async function sampleReply(
  episode: { path: string; show: string; season: number | null; episode: number | null },
): Promise<((firstCue: number, lastCue: number) => string) | undefined> {
  if (episode.season === null || episode.episode === null) return undefined;
  const code = `S${String(episode.season).padStart(2, "0")}E${String(episode.episode).padStart(2, "0")}`;
  for (const dir of [dirname(episode.path), dirname(dirname(episode.path))]) {
    let text: string;
    try {
      text = await Deno.readTextFile(join(dir, SAMPLE_FILE));
    } catch {
      continue;
    }
    const parsed = sampleFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.show !== episode.show) continue;
    const entry = parsed.data.episodes[code];
    if (!entry) return undefined;
    return (firstCue, lastCue) =>
      JSON.stringify({
        expressions: entry.expressions.filter((e) => {
          const cue = (e as { expressionCue?: unknown }).expressionCue;
          return typeof cue === "number" && cue >= firstCue && cue <= lastCue;
        }),
      });
  }
  return undefined;
}
