/**
 * The form that exports expressions as an Anki deck (or CSV, TSV, JSON): what it exports (some
 * episodes of the Library, or a batch of the Jobs screen), the options as fields, what they
 * amount to (checked as the daemon would check them), and the export once it runs: its progress
 * from `export.progress`, then what came out, or why nothing did.
 * @module
 */
import type { Key } from "ink";
import {
  type ExportFormat,
  exportFormatSchema,
  type ExportOptionsInput,
  exportOptionsSchema,
  type ExportResult,
} from "../shared/export.ts";
import {
  type ChoiceFormField,
  choiceFormField,
  choicesOf,
  chosenValue,
  editField,
  parseNumber,
  stepFocus,
  type TextFormField,
  textFormField,
} from "./form_fields.ts";
import type { Notice } from "./library_view.ts";

/** The most episodes one export takes (`export.anki`'s `episodeIds`). */
export const MAX_EXPORT_EPISODES = 10_000;

const DEFAULTS = exportOptionsSchema.parse({});

/** What each format makes, for the form's hint and the batch form's. */
export const FORMAT_HINTS: Readonly<Record<ExportFormat, string>> = {
  anki: "anki: an Anki package (.apkg) with the deck, its notes and their audio and screenshots",
  csv: "csv: notes to import in Anki (File › Import), the media in a folder to copy into collection.media",
  tsv: "tsv: like csv, tab-separated",
  json: "json: the notes as JSON, the media in a folder beside it",
};

/** What an export is for. */
export type ExportTarget =
  | {
    readonly kind: "episodes";
    readonly episodeIds: readonly number[];
    /** `2 episodes: Alpha Show S01E01, S01E03`. */
    readonly description: string;
  }
  | { readonly kind: "batch"; readonly batchId: number; readonly description: string };

/** The options typed as whole numbers, each with the `ExportOptions` key it fills. */
const NUMBER_OPTIONS = {
  paddingBefore: "paddingBeforeMs",
  paddingAfter: "paddingAfterMs",
  contextBefore: "contextLinesBefore",
  contextAfter: "contextLinesAfter",
  shift: "shiftMs",
} as const;

type NumberFieldName = keyof typeof NUMBER_OPTIONS;
type NumberOption = (typeof NUMBER_OPTIONS)[NumberFieldName];

/** The smallest and largest value the daemon takes for `option`. */
export function optionRange(option: NumberOption): { min: number; max: number } {
  const schema = exportOptionsSchema.shape[option].unwrap();
  return { min: schema.minValue ?? Number.MIN_SAFE_INTEGER, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

const rangeText = (option: NumberOption): string => {
  const { min, max } = optionRange(option);
  return `${min.toLocaleString("en-US")}–${max.toLocaleString("en-US")}`;
};

/** A field of the export form typed as text: a whole number. */
export type ExportTextField = TextFormField<NumberFieldName>;
/** A field of the export form that takes one of a few values. */
export type ExportChoiceField = ChoiceFormField<"format" | "includePending">;
/** One field of the export form. */
export type ExportFormField = ExportTextField | ExportChoiceField;

/** What the options typed so far amount to. */
export type ExportFormResult =
  | {
    readonly kind: "ok";
    readonly format: ExportFormat;
    readonly options: Partial<ExportOptionsInput>;
  }
  | { readonly kind: "invalid"; readonly error: string; readonly field: number };

/** Where the export is: being set up, running, or done. */
export type ExportPhase =
  | { readonly kind: "editing" }
  | {
    readonly kind: "running";
    readonly exportId: string;
    /** The latest `export.progress` for it, 0–100. */
    percent: number;
    /** Whether `export.cancel` was asked. */
    cancelling: boolean;
  }
  | { readonly kind: "done"; readonly result: ExportResult };

/** A new id to follow an export's progress by and to cancel it with. */
export function newExportId(): string {
  return `tui-${crypto.randomUUID()}`;
}

const PENDING_HINTS: Readonly<Record<string, string>> = {
  no: "no: only the approved expressions (approve them on the Review screen, 3)",
  yes: "yes: the pending (not yet reviewed) expressions too",
};

/** The export form for a target; mutable, its owner re-renders after each change. */
export class ExportForm {
  readonly target: ExportTarget;
  readonly fields: ExportFormField[];
  /** The field with the focus, an index into {@link fields}. */
  focus = 0;
  phase: ExportPhase = { kind: "editing" };
  /** Why the last export did not happen (invalid input, the daemon's error), or that it was cancelled. */
  message: Notice | undefined;

  constructor(target: ExportTarget) {
    this.target = target;
    const number = (name: NumberFieldName, label: string, hint: string): ExportTextField => {
      const option = NUMBER_OPTIONS[name];
      return textFormField(name, label, String(DEFAULTS[option]), `${hint} (${rangeText(option)})`);
    };
    this.fields = [
      choiceFormField("format", "Format", choicesOf(exportFormatSchema.options), "anki"),
      number("paddingBefore", "Pad before ms", "The audio starts this many ms before the line"),
      number("paddingAfter", "Pad after ms", "The audio ends this many ms after the line"),
      number(
        "contextBefore",
        "Lines before",
        "Subtitle lines before the expression's line that the sentence and the audio include",
      ),
      number(
        "contextAfter",
        "Lines after",
        "Subtitle lines after the expression's line that the sentence and the audio include",
      ),
      number(
        "shift",
        "Shift ms",
        "Added to every subtitle time when cutting media: positive when the speech comes later than the subtitles",
      ),
      choiceFormField(
        "includePending",
        "Pending too",
        choicesOf(["no", "yes"]),
        DEFAULTS.includePending ? "yes" : "no",
      ),
    ];
  }

  /** Whether the fields can be changed (not while the export runs, nor once it is done). */
  get editing(): boolean {
    return this.phase.kind === "editing";
  }

  /** The export under way, if one is. */
  get running(): Extract<ExportPhase, { kind: "running" }> | undefined {
    return this.phase.kind === "running" ? this.phase : undefined;
  }

  /** What came out, once the export is done. */
  get result(): ExportResult | undefined {
    return this.phase.kind === "done" ? this.phase.result : undefined;
  }

  /** What the focused field means, for the line under the fields. */
  get hint(): string {
    const field = this.fields[this.focus];
    if (field.kind === "text") return field.hint;
    const value = chosenValue(field);
    return field.name === "format" ? FORMAT_HINTS[value as ExportFormat] : PENDING_HINTS[value];
  }

  /**
   * The options in one line, `csv · padding 250/250 ms · context 0/1 · shift 0 ms · approved
   * only` (before/after): what an export was made with, once the fields are no longer shown.
   */
  get summary(): string {
    const request = this.request();
    if (request.kind === "invalid") return request.error;
    const o = request.options;
    return [
      request.format,
      `padding ${o.paddingBeforeMs}/${o.paddingAfterMs} ms`,
      `context ${o.contextLinesBefore}/${o.contextLinesAfter}`,
      `shift ${o.shiftMs} ms`,
      o.includePending ? "pending too" : "approved only",
    ].join(" · ");
  }

  /** Moves the focus `step` fields on, wrapping around (Tab, ↓, Shift-Tab, ↑). */
  step(step: number): void {
    if (!this.editing) return;
    this.focus = stepFocus(this.focus, step, this.fields.length);
  }

  /** Edits the focused field with a key; whether the key was one that edits it. */
  edit(input: string, key: Key): boolean {
    if (!this.editing) return false;
    if (!editField(this.fields[this.focus], input, key)) return false;
    this.message = undefined;
    return true;
  }

  /** The format and options typed so far, or why they cannot be sent. */
  request(): ExportFormResult {
    const options: Partial<ExportOptionsInput> = {};
    let format: ExportFormat = "anki";
    for (const [index, field] of this.fields.entries()) {
      if (field.kind === "choice") {
        const value = chosenValue(field);
        if (field.name === "format") format = value as ExportFormat;
        else options.includePending = value === "yes";
        continue;
      }
      const option = NUMBER_OPTIONS[field.name];
      const value = parseNumber(field.value.text);
      const { min, max } = optionRange(option);
      if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
        return {
          kind: "invalid",
          error: `${field.label} is a whole number from ${rangeText(option)}, not "${field.value.text}".`,
          field: index,
        };
      }
      options[option] = value;
    }
    return { kind: "ok", format, options };
  }

  /** The export `exportId` started. */
  begin(exportId: string): void {
    this.phase = { kind: "running", exportId, percent: 0, cancelling: false };
    this.message = undefined;
  }

  /** An `export.progress`; whether it was about this form's export (and changed it). */
  progress(exportId: string, percent: number): boolean {
    const running = this.running;
    if (!running || running.exportId !== exportId || percent <= running.percent) return false;
    running.percent = Math.min(100, percent);
    return true;
  }

  /** The export is done: what came out. */
  finish(result: ExportResult): void {
    this.phase = { kind: "done", result };
    this.message = undefined;
  }

  /** The export ended without a file: the fields can be changed and it started again. */
  fail(message: Notice): void {
    this.phase = { kind: "editing" };
    this.message = message;
  }
}
