/**
 * The contract of expression analysis: the options of a run, the reply the LLM must give (its
 * JSON Schema is generated from {@link llmReplySchema}), and expressions as clients see them.
 * @module
 */
import { z } from "zod";

/** Learner levels; the prompt carries only the chosen level's description. */
export const LEVELS = {
  beginner:
    "A1–A2: knows everyday words and very common phrases; needs short, frequent, literal expressions.",
  intermediate:
    "B1: handles familiar topics; ready for common phrasal verbs, set phrases and everyday idioms.",
  upper_intermediate:
    "B2: follows most conversations; wants idioms, collocations and informal expressions natives use.",
  advanced: "C1–C2: near-fluent; wants nuanced idioms, slang, register and cultural references.",
} as const;
/** One of {@link LEVELS}. */
export type Level = keyof typeof LEVELS;

const language = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}$/, "an ISO 639-1 code such as en");

/** Options of an analysis run. Every field has a default. */
export const analysisOptionsSchema = z.object({
  /** Language of the subtitles analysed (ISO 639-1). */
  sourceLanguage: language.default("en"),
  /** Languages translations are wanted in; every one gets its own translations and titles. */
  targetLanguages: z.array(language).min(1).max(5).default(["es"]),
  level: z.enum(Object.keys(LEVELS) as [Level, ...Level[]]).default("intermediate"),
  /** How many expressions to ask for per chunk. */
  expressionsPerChunk: z.object({
    min: z.number().int().min(0).max(10),
    max: z.number().int().min(1).max(10),
  })
    .refine((v) => v.min <= v.max, "min must not exceed max").default({ min: 1, max: 4 }),
  /** How many expressions an episode keeps after de-duplication and ranking. */
  expressionsPerEpisode: z.number().int().min(1).max(100).default(10),
  /** The length of the scene around an expression, and how far it may differ. */
  contextMs: z.object({
    target: z.number().int().min(2_000).max(60_000),
    tolerance: z.number().int().min(0).max(30_000),
  })
    .default({ target: 12_000, tolerance: 6_000 }),
  /** Extra words about the show for the model (setting, register). */
  showNote: z.string().trim().max(500).optional(),
  /** Several expressions sharing a scene: one video ("combined") or one each ("separate"). */
  renderMode: z.enum(["combined", "separate"]).default("combined"),
  /** How subtitles are cut into requests. */
  chunking: z.object({
    maxCues: z.number().int().min(10).max(400),
    maxTokens: z.number().int().min(500).max(30_000),
    overlapCues: z.number().int().min(0).max(20),
  }).default({ maxCues: 80, maxTokens: 4_000, overlapCues: 4 }),
  /** Refuse the run if its estimated cost exceeds this (USD). */
  maxCostUsd: z.number().positive().max(10_000).optional(),
});
/** Options as given (defaults applied on the daemon). */
export type AnalysisOptionsInput = z.input<typeof analysisOptionsSchema>;
/** Options with every default filled in. */
export type AnalysisOptions = z.output<typeof analysisOptionsSchema>;

/**
 * One expression in the LLM's reply. Cue numbers are the `[n]` before each line of the chunk.
 * The daemon turns them into times; the model never sees timestamps.
 */
export const llmExpressionSchema = z.object({
  /** The expression exactly as it appears in its line. */
  expression: z.string().min(1),
  /** The cue number of the line that contains the expression. */
  expressionCue: z.number().int(),
  /** First and last cue number of the scene that gives the expression its meaning. */
  contextStartCue: z.number().int(),
  contextEndCue: z.number().int(),
  /** One entry per target language. */
  translations: z.array(z.object({
    language: z.string(),
    /** The expression in that language, as a native would say it. */
    expression: z.string(),
    /** The whole line containing the expression, translated. */
    line: z.string(),
    /** A catchy video title in that language (≤ 70 characters). */
    title: z.string(),
  })),
  /** What it means and when people use it, in simple English. */
  meaning: z.string(),
  /** Up to four expressions with a similar meaning. */
  similar: z.array(z.string()),
  /** A new example sentence using the expression. */
  example: z.string(),
  /** 1 (anyone knows it) to 10 (rare, advanced). */
  difficulty: z.number().int().min(1).max(10),
  /** 1 (rarely useful) to 10 (learners will need it every week). */
  usefulness: z.number().int().min(1).max(10),
  keywords: z.array(z.string()),
  /** What is happening in the scene, in two or three words ("apology at a café"). */
  sceneType: z.string(),
});
/** See {@link llmExpressionSchema}. */
export type LlmExpression = z.infer<typeof llmExpressionSchema>;

/** The whole reply for one chunk. */
export const llmReplySchema = z.object({ expressions: z.array(llmExpressionSchema) });
/** See {@link llmReplySchema}. */
export type LlmReplyBody = z.infer<typeof llmReplySchema>;

/** Review state of an expression; `dropped` ones failed validation or ranking (see `dropReason`). */
export const expressionStatusSchema = z.enum(["pending", "approved", "rejected", "dropped"]);
/** See {@link expressionStatusSchema}. */
export type ExpressionStatus = z.infer<typeof expressionStatusSchema>;

/** An expression as clients see it. Times are milliseconds in the episode. */
export const expressionSchema = z.object({
  id: z.number().int(),
  episodeId: z.number().int(),
  runId: z.number().int(),
  groupId: z.number().int().nullable(),
  status: expressionStatusSchema,
  /** Why it was dropped (validation or ranking), else null. */
  dropReason: z.string().nullable(),
  text: z.string(),
  /** The subtitle line containing it. */
  line: z.string(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  contextStartMs: z.number().int(),
  contextEndMs: z.number().int(),
  /** The scene's subtitle lines, for review. */
  contextLines: z.array(z.object({ index: z.number().int(), startMs: z.number().int(), text: z.string() })),
  translations: z.array(
    z.object({ language: z.string(), expression: z.string(), line: z.string(), title: z.string() }),
  ),
  meaning: z.string(),
  similar: z.array(z.string()),
  example: z.string(),
  difficulty: z.number().int(),
  usefulness: z.number().int(),
  keywords: z.array(z.string()),
  sceneType: z.string(),
  score: z.number(),
  /** Provenance: the chunk, model and prompt version that produced it. */
  chunkIndex: z.number().int(),
  model: z.string(),
  promptVersion: z.string(),
  /** True for the hand-written analyses that come with the sample library. */
  sample: z.boolean(),
  updatedAt: z.string(),
});
/** See {@link expressionSchema}. */
export type Expression = z.infer<typeof expressionSchema>;

const estimateFields = {
  chunks: z.number().int(),
  /** LLM calls needed: chunks without a cached (or sample) reply. */
  calls: z.number().int(),
  cachedChunks: z.number().int(),
  promptTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
};

/** What a run would cost before it starts (`analysis.estimate`). */
export const analysisEstimateSchema = z.object({
  episodes: z.array(z.object({ episodeId: z.number().int(), ...estimateFields })),
  totals: z.object(estimateFields),
  model: z.string(),
  budget: z.object({
    dailyLimitUsd: z.number(),
    spentTodayUsd: z.number(),
    /** Whether the run fits in what is left of today's budget (and in `maxCostUsd`). */
    fits: z.boolean(),
  }),
});
/** See {@link analysisEstimateSchema}. */
export type AnalysisEstimate = z.infer<typeof analysisEstimateSchema>;

/** The outcome of one episode's analysis (`analysis.run`). */
export const analysisRunSchema = z.object({
  id: z.number().int(),
  episodeId: z.number().int(),
  /** `partial` when some chunks failed: the episode keeps what the others found. */
  status: z.enum(["running", "completed", "partial", "failed"]),
  chunks: z.number().int(),
  failedChunks: z.array(z.object({ chunk: z.number().int(), kind: z.string(), message: z.string() })),
  calls: z.number().int(),
  cachedChunks: z.number().int(),
  promptTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  kept: z.number().int(),
  dropped: z.number().int(),
  groups: z.number().int(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
/** See {@link analysisRunSchema}. */
export type AnalysisRun = z.infer<typeof analysisRunSchema>;

/** How many expressions an episode has in each state (`expressions.summary`). */
export const expressionSummarySchema = z.object({
  episodeId: z.number().int(),
  pending: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  dropped: z.number().int(),
  /** Whether they come from the sample library's hand-written analyses. */
  sample: z.boolean(),
});
/** See {@link expressionSummarySchema}. */
export type ExpressionSummary = z.infer<typeof expressionSummarySchema>;
