/**
 * The contract of rendering: options of a render, and rendered videos as clients see them.
 * @module
 */
import { z } from "zod";

/** A vertical Short (1080x1920) or a long-form lesson (1920x1080). */
export const renderKindSchema = z.enum(["short", "long"]);
/** See {@link renderKindSchema}. */
export type RenderKind = z.infer<typeof renderKindSchema>;

/** Options of a render. Every field has a default. */
export const renderOptionsSchema = z.object({
  kinds: z.array(renderKindSchema).min(1).max(2).default(["short"]),
  /** How many times each expression's line is replayed after the scene. */
  repeat: z.number().int().min(1).max(5).default(2),
  /** Play the last replay at 75% speed. */
  slowLastRepeat: z.boolean().default(false),
  /** What fills a Short around a landscape picture: a blurred copy, or black bars. */
  background: z.enum(["blur", "bars"]).default("blur"),
  /** A Short never lasts longer than this; the scene is trimmed to fit. */
  maxShortMs: z.number().int().min(10_000).max(180_000).default(60_000),
  transitionMs: z.number().int().min(300).max(5_000).default(1_200),
  cardMs: z.number().int().min(2_000).max(20_000).default(6_000),
  /** The language of the second subtitle line and of titles (ISO 639-1); default: the first translation's. */
  targetLanguage: z.string().regex(/^[a-z]{2,3}$/).optional(),
  /** x264 preset and quality (CRF, lower is better); or a hardware encoder, probed at start. */
  preset: z.enum(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"]).default(
    "veryfast",
  ),
  crf: z.number().int().min(12).max(35).default(21),
  encoder: z.enum(["libx264", "h264_vaapi", "h264_qsv", "h264_nvenc"]).default("libx264"),
});
/** Options as given. */
export type RenderOptionsInput = z.input<typeof renderOptionsSchema>;
/** Options with defaults filled in. */
export type RenderOptions = z.output<typeof renderOptionsSchema>;

/** What a video needs to be published: written next to it as JSON. */
export const renderSidecarSchema = z.object({
  /** Titles by language (≤ 100 characters each). */
  titles: z.record(z.string(), z.string().max(100)),
  description: z.string(),
  /** Tags; ≤ 500 characters in total, as YouTube allows. */
  tags: z.array(z.string()),
  /** Language of the spoken audio (ISO 639-1). */
  language: z.string(),
  madeForKids: z.boolean(),
  source: z.object({ show: z.string(), episode: z.string(), startMs: z.number(), endMs: z.number() }),
  expressions: z.array(z.object({ id: z.number().int(), text: z.string() })),
  kind: renderKindSchema,
  durationMs: z.number().int(),
});
/** See {@link renderSidecarSchema}. */
export type RenderSidecar = z.infer<typeof renderSidecarSchema>;

/** A rendered video. */
export const renderSchema = z.object({
  id: z.number().int(),
  groupId: z.number().int(),
  episodeId: z.number().int(),
  expressionIds: z.array(z.number().int()),
  kind: renderKindSchema,
  path: z.string(),
  sidecarPath: z.string(),
  sidecar: renderSidecarSchema,
  durationMs: z.number().int(),
  sizeBytes: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  /** Wall time of the encode. */
  renderMs: z.number().int(),
  /** Marked for the publishing calendar. */
  marked: z.boolean(),
  createdAt: z.string(),
});
/** See {@link renderSchema}. */
export type Render = z.infer<typeof renderSchema>;
