/**
 * Cutting an episode's cues into LLM requests: by cue count and an estimated token budget, each
 * chunk overlapping the previous by a few cues so that an expression near a boundary still has
 * its scene in one chunk.
 */
import type { Cue } from "../../shared/schemas.ts";

/** A run of consecutive cues sent in one request. */
export interface Chunk {
  /** 0-based position in the episode. */
  index: number;
  cues: Cue[];
}

/** A rough token count (about four characters a token for Latin text, one per CJK character). */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (const ch of text) if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/.test(ch)) cjk++;
  return Math.ceil((text.length - cjk) / 4) + cjk;
}

/**
 * The most characters of one cue the model sees. A real cue is a line or two (< 200 characters);
 * a malformed file can hold one cue of megabytes, which must not become one oversized request.
 */
export const MAX_CUE_CHARS = 500;

/** How a cue is shown to the model: `[index] text`, lines joined by a space, no timestamps. */
export function cueLine(cue: Cue): string {
  const text = cue.text.length > MAX_CUE_CHARS ? `${cue.text.slice(0, MAX_CUE_CHARS)}…` : cue.text;
  return `[${cue.index}] ${text.replace(/\s*\n\s*/g, " ")}`;
}

/** Splits cues into chunks of at most `maxCues` and about `maxTokens`, overlapping by `overlapCues`. */
export function chunkCues(
  cues: readonly Cue[],
  options: { maxCues: number; maxTokens: number; overlapCues: number },
): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < cues.length) {
    let end = start;
    let tokens = 0;
    while (end < cues.length && end - start < options.maxCues) {
      const cost = estimateTokens(cueLine(cues[end])) + 1;
      if (end > start && tokens + cost > options.maxTokens) break;
      tokens += cost;
      end++;
    }
    chunks.push({ index: chunks.length, cues: cues.slice(start, end) });
    if (end >= cues.length) break;
    // the next chunk repeats the last few cues, but always moves forward
    start = Math.max(start + 1, end - options.overlapCues);
  }
  return chunks;
}
