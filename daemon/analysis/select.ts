/**
 * From every chunk's valid expressions to the episode's best N: duplicates across chunks (the
 * overlaps repeat lines) are removed, the rest ranked by fit to the learner's level, usefulness
 * and variety.
 */
import type { Level } from "../../shared/analysis.ts";
import type { ValidExpression } from "./validate.ts";
import { normaliseText } from "./_normalise.ts";

/** The difficulty (1–10) that suits each level best. */
const IDEAL_DIFFICULTY: Record<Level, number> = {
  beginner: 3,
  intermediate: 5,
  upper_intermediate: 6.5,
  advanced: 8,
};

/** Words too common to tell expressions apart. */
const STOP = new Set([
  "a",
  "an",
  "the",
  "to",
  "be",
  "is",
  "are",
  "it",
  "you",
  "i",
  "me",
  "my",
  "your",
  "on",
  "in",
  "of",
]);

function tokens(text: string): Set<string> {
  return new Set(normaliseText(text).split(" ").filter((w) => w && !STOP.has(w)));
}

/** Jaccard similarity of two token sets. */
function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Whether two expressions are the same one (exactly, or nearly, e.g. "break the ice" / "breaking the ice"). */
export function sameExpression(a: string, b: string): boolean {
  const na = normaliseText(a);
  const nb = normaliseText(b);
  if (na === nb) return true;
  const stem = (s: string) => s.split(" ").map((w) => w.replace(/(ing|ed|es|s)$/, "")).join(" ");
  if (stem(na) === stem(nb)) return true;
  return overlap(tokens(na), tokens(nb)) >= 0.8;
}

/** How well an expression suits the learner, 0–1, before variety is considered. */
export function baseScore(e: ValidExpression, level: Level): number {
  const fit = 1 - Math.min(1, Math.abs(e.reply.difficulty - IDEAL_DIFFICULTY[level]) / 5);
  const useful = (e.reply.usefulness - 1) / 9;
  return 0.5 * fit + 0.5 * useful;
}

/** A kept expression with its score, or a dropped one with why. */
export type Selection =
  | { kept: true; expression: ValidExpression; score: number }
  | {
    kept: false;
    expression: ValidExpression;
    score: number;
    reason: "duplicate" | "ranked_out";
    detail: string;
  };

/**
 * De-duplicates, ranks and keeps the top `limit`. Ranking is greedy: each pick is the best base
 * score minus a penalty for resembling what was already picked (same scene type, shared
 * keywords), so the episode's expressions are varied.
 */
export function selectExpressions(all: readonly ValidExpression[], level: Level, limit: number): Selection[] {
  const scored = all.map((e) => ({ e, score: baseScore(e, level) }))
    .sort((a, b) => b.score - a.score || a.e.cue.startMs - b.e.cue.startMs);
  const out: Selection[] = [];
  const unique: typeof scored = [];
  for (const item of scored) {
    const twin = unique.find((u) => sameExpression(u.e.reply.expression, item.e.reply.expression));
    if (twin) {
      out.push({
        kept: false,
        expression: item.e,
        score: item.score,
        reason: "duplicate",
        detail: `same as "${twin.e.reply.expression}" (line ${twin.e.cue.index})`,
      });
    } else {
      unique.push(item);
    }
  }
  const picked: { e: ValidExpression; score: number }[] = [];
  const rest = [...unique];
  while (rest.length && picked.length < limit) {
    let best = 0;
    let bestValue = -Infinity;
    for (const [i, candidate] of rest.entries()) {
      let penalty = 0;
      for (const p of picked) {
        if (normaliseText(p.e.reply.sceneType) === normaliseText(candidate.e.reply.sceneType)) {
          penalty += 0.05;
        }
        penalty += 0.1 *
          overlap(
            new Set(p.e.reply.keywords.map(normaliseText)),
            new Set(candidate.e.reply.keywords.map(normaliseText)),
          );
      }
      const value = candidate.score - penalty;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const [chosen] = rest.splice(best, 1);
    picked.push(chosen);
    out.push({ kept: true, expression: chosen.e, score: Math.round(bestValue * 1000) / 1000 });
  }
  for (const r of rest) {
    out.push({
      kept: false,
      expression: r.e,
      score: r.score,
      reason: "ranked_out",
      detail: `ranked below the top ${limit} for this episode`,
    });
  }
  return out;
}
