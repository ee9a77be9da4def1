/**
 * The form that starts a batch from the Library's selection: the options as fields (text
 * fields to type, choices to cycle), which one has the focus, the options they amount to
 * (checked as the daemon would check them), the latest estimate, and how the start went.
 * @module
 */
import type { Key } from "ink";
import {
  type AnalysisEstimate,
  type AnalysisOptionsInput,
  analysisOptionsSchema,
  LEVELS,
} from "../shared/analysis.ts";
import { type ExportFormat, exportFormatSchema } from "../shared/export.ts";
import type { BatchOptionsInput } from "../shared/jobs.ts";
import { type RenderKind, renderOptionsSchema } from "../shared/render.ts";
import type { Episode } from "../shared/schemas.ts";
import { FORMAT_HINTS } from "./export_form.ts";
import { splitList } from "./expression_form.ts";
import {
  type Choice,
  type ChoiceFormField as AnyChoiceField,
  choiceFormField,
  choicesOf,
  chosenValue,
  editField,
  stepFocus,
  type TextFormField as AnyTextField,
  textFormField,
} from "./form_fields.ts";

export type { Choice } from "./form_fields.ts";

/** The most episodes one batch (and one estimate) takes. */
export const MAX_BATCH_EPISODES = 50;

const ANALYSIS_DEFAULTS = analysisOptionsSchema.parse({});
const RENDER_DEFAULTS = renderOptionsSchema.parse({});

/** A field of the batch form typed as text. */
export type TextFormField = AnyTextField<"languages" | "count">;

/** A field of the batch form that takes one of a few values, cycled with ←/→ or Space. */
export type ChoiceFormField = AnyChoiceField<
  "level" | "kinds" | "renderMode" | "review" | "schedule" | "export"
>;

/** One field of the batch form. */
export type BatchFormField = TextFormField | ChoiceFormField;

/** What the options typed so far amount to. */
export type BatchFormResult =
  | { readonly kind: "ok"; readonly options: BatchOptionsInput }
  | { readonly kind: "invalid"; readonly error: string; readonly field: number };

/** The latest `analysis.estimate` for the form's episodes and analysis options. */
export interface EstimateState {
  /** The options it was asked for (see {@link BatchForm.estimateKey}). */
  readonly key: string;
  readonly estimate?: AnalysisEstimate;
  readonly error?: string;
}

const KIND_CHOICES: readonly Choice[] = [
  { value: "short", label: "short" },
  { value: "long", label: "long" },
  { value: "both", label: "both" },
];
const KINDS: Readonly<Record<string, RenderKind[]>> = {
  short: ["short"],
  long: ["long"],
  both: ["short", "long"],
};

const LEVEL_LABELS: Readonly<Record<keyof typeof LEVELS, string>> = {
  beginner: "beginner",
  intermediate: "intermediate",
  upper_intermediate: "upper intermediate",
  advanced: "advanced",
};

const CHOICE_HINTS: Readonly<Record<ChoiceFormField["name"], (value: string) => string>> = {
  level: (value) => LEVELS[value as keyof typeof LEVELS] ?? "",
  kinds: () => "short: vertical Shorts (1080x1920) · long: lessons (1920x1080) · both: one of each",
  renderMode: () => "Expressions that share a scene: one video together (combined) or one video each",
  review: (value) =>
    value === "auto"
      ? "auto: what the analysis keeps is approved and rendered right away"
      : "wait: each episode waits until its expressions are reviewed on the Review screen (3)",
  schedule: (value) =>
    value === "yes"
      ? "yes: each finished video goes on the publishing calendar, in the next free slot (Schedule, 6)"
      : "no: place the videos yourself on the Schedule screen (6)",
  export: (value) =>
    value === "no"
      ? "no: export later from the Jobs screen (5, e) or the Library (2, e)"
      : `Each episode's approved expressions are exported once its videos are done: ${
        FORMAT_HINTS[value as ExportFormat]
      }`,
};

/** The batch form for some episodes; mutable, its owner re-renders after each change. */
export class BatchForm {
  /** The episodes the batch is for, in library order. */
  readonly episodes: readonly Episode[];
  readonly fields: BatchFormField[];
  /** The field with the focus, an index into {@link fields}. */
  focus = 0;
  /** Why the last start did not happen (invalid input, or the daemon's error). */
  error: string | undefined;
  /** Whether `batches.create` is on its way to the daemon. */
  starting = false;
  /** The batch the form started; the form then only offers to show it. */
  started: { readonly batchId: number; readonly jobIds: readonly number[] } | undefined;
  /** The latest estimate asked for, if any. */
  estimate: EstimateState | undefined;

  constructor(episodes: readonly Episode[]) {
    this.episodes = episodes;
    const choice = choiceFormField<ChoiceFormField["name"]>;
    const initialKinds = RENDER_DEFAULTS.kinds.length > 1 ? "both" : RENDER_DEFAULTS.kinds[0];
    this.fields = [
      textFormField(
        "languages",
        "Languages",
        ANALYSIS_DEFAULTS.targetLanguages.join(", "),
        "Translations and titles in these languages: ISO 639-1 codes, comma-separated, up to 5",
      ),
      choice(
        "level",
        "Level",
        Object.keys(LEVELS).map((value) => ({ value, label: LEVEL_LABELS[value as keyof typeof LEVELS] })),
        ANALYSIS_DEFAULTS.level,
      ),
      textFormField(
        "count",
        "Expressions",
        String(ANALYSIS_DEFAULTS.expressionsPerEpisode),
        "How many expressions each episode keeps after ranking (1–100)",
      ),
      choice("kinds", "Kinds", KIND_CHOICES, initialKinds),
      choice(
        "renderMode",
        "Render mode",
        [{ value: "combined", label: "combined" }, { value: "separate", label: "separate" }],
        ANALYSIS_DEFAULTS.renderMode,
      ),
      choice(
        "review",
        "Review",
        [{ value: "auto", label: "auto" }, { value: "wait", label: "wait" }],
        "auto",
      ),
      choice("schedule", "Schedule", [{ value: "no", label: "no" }, { value: "yes", label: "yes" }], "no"),
      choice("export", "Export", choicesOf(["no", ...exportFormatSchema.options]), "no"),
    ];
  }

  /** The ids of {@link episodes}. */
  get episodeIds(): number[] {
    return this.episodes.map((episode) => episode.id);
  }

  /** What the focused field means, for the line under the fields. */
  get hint(): string {
    const field = this.fields[this.focus];
    if (field.kind === "text") return field.hint;
    return CHOICE_HINTS[field.name](chosenValue(field));
  }

  /** Moves the focus `step` fields on, wrapping around (Tab, ↓, Shift-Tab, ↑). */
  step(step: number): void {
    this.focus = stepFocus(this.focus, step, this.fields.length);
  }

  /**
   * Edits the focused field with a key: text into a text field, ←/→ (and Space) through a
   * choice. Returns whether the key was one that edits the field.
   */
  edit(input: string, key: Key): boolean {
    return editField(this.fields[this.focus], input, key);
  }

  #text(name: TextFormField["name"]): { text: string; index: number } {
    const index = this.fields.findIndex((field) => field.name === name);
    const field = this.fields[index] as TextFormField;
    return { text: field.value.text.trim(), index };
  }

  #choice(name: ChoiceFormField["name"]): string {
    return chosenValue(this.fields.find((f) => f.name === name) as ChoiceFormField);
  }

  /** The analysis options typed so far, or why they cannot be sent. */
  analysisOptions():
    | { kind: "ok"; options: Partial<AnalysisOptionsInput> }
    | { kind: "invalid"; error: string; field: number } {
    const languages = this.#text("languages");
    const codes = splitList(languages.text).map((code) => code.toLowerCase());
    const invalid = (error: string, field: number) => ({ kind: "invalid" as const, error, field });
    if (codes.length === 0) return invalid("Give at least one target language, e.g. es.", languages.index);
    if (codes.length > 5) return invalid("At most 5 target languages.", languages.index);
    const bad = codes.find((code) => !/^[a-z]{2,3}$/.test(code));
    if (bad !== undefined) {
      return invalid(
        `"${bad}" is not a language code: use ISO 639-1 codes such as es, fr, de.`,
        languages.index,
      );
    }
    if (new Set(codes).size !== codes.length) return invalid("A language appears twice.", languages.index);
    const count = this.#text("count");
    const perEpisode = Number(count.text);
    if (!/^\d+$/.test(count.text) || perEpisode < 1 || perEpisode > 100) {
      return invalid("Expressions per episode is a whole number from 1 to 100.", count.index);
    }
    return {
      kind: "ok",
      options: {
        targetLanguages: codes,
        level: this.#choice("level") as AnalysisOptionsInput["level"],
        expressionsPerEpisode: perEpisode,
        renderMode: this.#choice("renderMode") as AnalysisOptionsInput["renderMode"],
      },
    };
  }

  /** The batch's options, or why they cannot be sent. */
  result(): BatchFormResult {
    const analysis = this.analysisOptions();
    if (analysis.kind === "invalid") return analysis;
    const exportFormat = this.#choice("export");
    return {
      kind: "ok",
      options: {
        analysis: analysis.options,
        render: { kinds: KINDS[this.#choice("kinds")] },
        review: this.#choice("review") as "auto" | "wait",
        autoSchedule: this.#choice("schedule") === "yes",
        ...(exportFormat === "no" ? {} : { export: { format: exportFormat as ExportFormat } }),
      },
    };
  }

  /**
   * What the estimate depends on (episodes and analysis options) as one string, or `undefined`
   * while the options are invalid: a new estimate is asked for when it changes.
   */
  estimateKey(): string | undefined {
    const analysis = this.analysisOptions();
    if (analysis.kind === "invalid") return undefined;
    return JSON.stringify({ episodeIds: this.episodeIds, options: analysis.options });
  }
}
