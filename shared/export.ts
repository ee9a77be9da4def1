/**
 * The contract of exports: what to export, in which format, with which timing, and what came out.
 * @module
 */
import { z } from "zod";

/** Output formats: an Anki package, Anki-importable CSV or TSV, or JSON of the same notes. */
export const exportFormatSchema = z.enum(["anki", "csv", "tsv", "json"]);
/** See {@link exportFormatSchema}. */
export type ExportFormat = z.infer<typeof exportFormatSchema>;

const language = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}$/, "an ISO 639-1 code such as en");

/** Options of an export. Every field has a default. */
export const exportOptionsSchema = z.object({
  /** Export pending (not yet reviewed) expressions too, not only approved ones. */
  includePending: z.boolean().default(false),
  /** Audio starts this long before the line (ms). */
  paddingBeforeMs: z.number().int().min(0).max(5_000).default(250),
  /** Audio ends this long after the line (ms). */
  paddingAfterMs: z.number().int().min(0).max(5_000).default(250),
  /** Subtitle lines before the expression's line that the sentence and the audio include. */
  contextLinesBefore: z.number().int().min(0).max(5).default(0),
  /** Subtitle lines after the expression's line that the sentence and the audio include. */
  contextLinesAfter: z.number().int().min(0).max(5).default(0),
  /**
   * Added to every subtitle time when cutting media (ms): positive when the speech comes later
   * than the subtitles, negative when earlier.
   */
  shiftMs: z.number().int().min(-60_000).max(60_000).default(0),
  /** Cut an audio snippet and a screenshot per note; without media those fields stay empty. */
  media: z.boolean().default(true),
  /** Screenshot width in pixels (never wider than the video); the height keeps the aspect. */
  screenshotWidth: z.number().int().min(64).max(1_920).default(640),
  /** Target languages whose translations go into the notes, in this order (default: all). */
  languages: z.array(language).min(1).max(5).optional(),
  /** The Anki deck (`::` nests); default `lingoreel::<show>`, or `lingoreel` for several shows. */
  deckName: z.string().trim().min(1).max(200).optional(),
  /**
   * The output file's name without extension; default from the show and episodes. A name, never
   * a path: no `/` or `\\`, no control characters, no leading dot, at most 120 bytes in UTF-8
   * (the file system's 255 must hold the extension and the temporary name while writing).
   */
  fileName: z.string().trim().min(1).max(100)
    .regex(/^[^/\\\p{Cc}]+$/u, "a file name, not a path: no / or \\ and no control characters")
    .refine((name) => !name.startsWith("."), "a file name that does not start with a dot (no . or ..)")
    .refine(
      (name) => new TextEncoder().encode(name).length <= 120,
      "a file name of at most 120 bytes in UTF-8 (about 40 characters of CJK text)",
    )
    .optional(),
});
/** Options as given. */
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
/** Options with every default filled in. */
export type ExportOptions = z.output<typeof exportOptionsSchema>;

const ids = z.array(z.number().int().positive()).min(1).max(10_000);

/**
 * What to export: the expressions of some episodes, or some expressions, or (both given) the
 * named expressions that belong to those episodes.
 */
export const exportRequestSchema = z.object({
  episodeIds: ids.optional(),
  expressionIds: ids.optional(),
  format: exportFormatSchema,
  options: exportOptionsSchema.prefault({}),
}).refine((r) => r.episodeIds || r.expressionIds, "Name episodeIds or expressionIds to export.");
/** A request as given. */
export type ExportRequestInput = z.input<typeof exportRequestSchema>;
/** A request with defaults applied. */
export type ExportRequest = z.output<typeof exportRequestSchema>;

/** What an export produced. */
export const exportResultSchema = z.object({
  /** The exported file (`.apkg`, `.csv`, `.tsv` or `.json`) under `<outputDir>/decks/`. */
  path: z.string(),
  format: exportFormatSchema,
  /** For CSV, TSV and JSON: the folder holding the media files (copy them into Anki's `collection.media`). */
  mediaDir: z.string().nullable(),
  deckName: z.string(),
  notes: z.number().int(),
  cards: z.number().int(),
  mediaFiles: z.number().int(),
  /** ffmpeg processes run to cut the media. */
  ffmpegRuns: z.number().int(),
  durationMs: z.number().int(),
  /** Notes that came out without some media (no audio track, an unreadable frame...). */
  warnings: z.array(z.string()),
});
/** See {@link exportResultSchema}. */
export type ExportResult = z.infer<typeof exportResultSchema>;
