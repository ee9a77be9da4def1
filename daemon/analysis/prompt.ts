/**
 * The prompt, versioned: the version is part of the reply cache key, so changing the wording
 * (and bumping the version) makes new calls instead of reusing replies to the old prompt.
 */
import { type AnalysisOptions, LEVELS } from "../../shared/analysis.ts";
import { type Chunk, cueLine } from "./chunker.ts";

/** Bump on every change of the text below. */
export const PROMPT_VERSION = "2026-11-21.1";

const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });

function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The instructions shared by every chunk of a run. */
export function systemPrompt(options: AnalysisOptions): string {
  const targets = options.targetLanguages.map((l) => `${languageName(l)} (${l})`).join(", ");
  return [
    `You are a language teacher who finds expressions worth learning in ${
      languageName(options.sourceLanguage)
    } TV dialogue.`,
    `The learner's level: ${LEVELS[options.level]}`,
    "Pick idioms, phrasal verbs, collocations and set phrases that natives use and this learner would not know yet; skip names, plain words and one-off jokes.",
    `For each expression give translations into every one of these languages: ${targets}.`,
    "Quote the expression exactly as it appears in its line. Refer to lines only by their [number].",
    `The scene (context) should span about ${
      Math.round(options.contextMs.target / 1000)
    } seconds of dialogue around the expression, starting at least one line before it and ending at least one line after it.`,
    "Answer with JSON that matches the given schema and nothing else.",
  ].join("\n");
}

/** The request for one chunk. */
export function chunkPrompt(chunk: Chunk, options: AnalysisOptions, show: { name: string }): string {
  const lines = chunk.cues.map(cueLine).join("\n");
  return [
    `Show: ${show.name}${options.showNote ? ` (${options.showNote})` : ""}`,
    `Find between ${options.expressionsPerChunk.min} and ${options.expressionsPerChunk.max} expressions in these lines:`,
    "",
    lines,
  ].join("\n");
}
