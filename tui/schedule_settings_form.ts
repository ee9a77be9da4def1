/**
 * The Schedule screen's settings form: the publishing calendar (time zone, slot times, videos
 * per slot, caps, horizon, lead time) and the quota (each bucket's daily limit, the warning
 * threshold) as text fields; the update they amount to (only the settings that changed); and
 * the daemon's validation errors put back on the fields they are about.
 * @module
 */
import type { Key } from "ink";
import type {
  PublishingSettingKey,
  PublishingSettings,
  PublishingSettingsUpdate,
} from "./context/ClientContext.tsx";
import { parseNumber, stepFocus } from "./form_fields.ts";
import { editText, type TextField, textField } from "./text_edit.ts";

export { parseNumber } from "./form_fields.ts";

/** Which value a field holds. */
export type SettingsFieldName =
  | "timeZone"
  | "slots"
  | "capacityPerSlot"
  | "shortsPerDay"
  | "longsPerDay"
  | "maxPerDay"
  | "horizonDays"
  | "leadMinutes"
  | "bucketLimit"
  | "warningPercent";

/** One field of the form. */
export interface SettingsField {
  readonly name: SettingsFieldName;
  /** For a bucket's limit: the bucket's name. */
  readonly bucket?: string;
  readonly label: string;
  /** What the field means, shown while it has the focus. */
  readonly hint: string;
  /** Whether the value is a number (typed as text, sent as a number). */
  readonly numeric: boolean;
  value: TextField;
  /** What is wrong with the value: the form's own check, or the daemon's. */
  error?: string;
}

/** A validation issue as the daemon sends it in `data.zodIssues`. */
export interface SettingsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What the fields amount to. */
export type SettingsFormResult =
  | {
    readonly kind: "ok";
    /** Only the settings that changed; empty when none did. */
    readonly update: PublishingSettingsUpdate;
    readonly changed: readonly PublishingSettingKey[];
  }
  | { readonly kind: "invalid"; readonly error: string; readonly field: number };

/** The calendar's fields that map one to one onto a key of `schedule.calendar`. */
const CALENDAR_PATHS: Readonly<Record<string, SettingsFieldName>> = {
  timeZone: "timeZone",
  slots: "slots",
  capacityPerSlot: "capacityPerSlot",
  maxPerDay: "maxPerDay",
  horizonDays: "horizonDays",
  leadMinutes: "leadMinutes",
};

/** Slot times as typed, `08:00, 12:00 18:00`: separated by commas or spaces. */
export function parseSlots(text: string): string[] {
  return text.split(/[\s,;]+/).filter((time) => time !== "");
}

/** The validation issues of a failed `settings.update`, when the daemon sent them. */
export function settingsIssues(error: unknown): SettingsIssue[] | undefined {
  const issues = (error as { data?: { zodIssues?: unknown } } | null)?.data?.zodIssues;
  if (!Array.isArray(issues)) return undefined;
  return issues.filter((issue): issue is SettingsIssue =>
    typeof issue === "object" && issue !== null && Array.isArray(issue.path) &&
    typeof issue.message === "string"
  );
}

/** The settings form, filled in from `settings`; mutable, its owner re-renders after each change. */
export class SettingsForm {
  readonly original: PublishingSettings;
  readonly fields: SettingsField[];
  /** The field with the focus, an index into {@link fields}. */
  focus = 0;
  /** What went wrong that no one field is about (the call failed, an issue of no field). */
  error: string | undefined;
  /** Whether `settings.update` is on its way. */
  saving = false;

  constructor(settings: PublishingSettings) {
    this.original = settings;
    const calendar = settings["schedule.calendar"];
    const text = (
      name: SettingsFieldName,
      label: string,
      value: string,
      hint: string,
      numeric = true,
    ): SettingsField => ({ name, label, hint, numeric, value: textField(value) });
    this.fields = [
      text(
        "timeZone",
        "Time zone",
        calendar.timeZone,
        "The channel's IANA time zone (Europe/Madrid, America/New_York, UTC): slot times are in it",
        false,
      ),
      text(
        "slots",
        "Slot times",
        calendar.slots.join(", "),
        "When videos are published each day, HH:MM, comma-separated (1–24 of them)",
        false,
      ),
      text("capacityPerSlot", "Videos per slot", String(calendar.capacityPerSlot), "1–20 videos in one slot"),
      text(
        "shortsPerDay",
        "Shorts per day",
        String(calendar.perKindPerDay.short),
        "The most Shorts published in one day (0–100)",
      ),
      text(
        "longsPerDay",
        "Longs per day",
        String(calendar.perKindPerDay.long),
        "The most long videos published in one day (0–100)",
      ),
      text(
        "maxPerDay",
        "Most per day",
        String(calendar.maxPerDay),
        "The most videos of any kind in one day (1–100)",
      ),
      text(
        "horizonDays",
        "Days ahead",
        String(calendar.horizonDays),
        "How many days ahead slots are offered (1–90)",
      ),
      text(
        "leadMinutes",
        "Lead minutes",
        String(calendar.leadMinutes),
        "No slot is offered sooner than this many minutes from now: time to upload (0–10080)",
      ),
      ...Object.entries(settings["quota.buckets"]).map(([bucket, { limit }]): SettingsField => ({
        ...text(
          "bucketLimit",
          `Quota ${bucket}`,
          String(limit),
          `The daily limit of the "${bucket}" quota bucket per Pacific day, as Google Cloud shows it`,
        ),
        bucket,
      })),
      text(
        "warningPercent",
        "Warning at %",
        String(settings["quota.warningPercent"]),
        "A quota bucket used past this share of its limit shows in the warning colour (0–100)",
      ),
    ];
  }

  /** What the focused field means, for the line under the fields. */
  get hint(): string {
    return this.fields[this.focus].hint;
  }

  /** Moves the focus `step` fields on, wrapping around (Tab, ↓, Shift-Tab, ↑). */
  step(step: number): void {
    this.focus = stepFocus(this.focus, step, this.fields.length);
  }

  /** Edits the focused field with a key; whether the key was one that edits text. */
  edit(input: string, key: Key): boolean {
    const field = this.fields[this.focus];
    const next = editText(field.value, input, key);
    if (!next) return false;
    field.value = next;
    field.error = undefined;
    return true;
  }

  /** Forgets every error. */
  clearErrors(): void {
    this.error = undefined;
    for (const field of this.fields) field.error = undefined;
  }

  #index(name: SettingsFieldName, bucket?: string): number {
    return this.fields.findIndex((field) => field.name === name && field.bucket === bucket);
  }

  #number(name: SettingsFieldName, bucket?: string): number | { error: string; field: number } {
    const index = this.#index(name, bucket);
    const field = this.fields[index];
    const value = parseNumber(field.value.text);
    return value ?? { error: `"${field.value.text}" is not a number`, field: index };
  }

  /**
   * The update the fields amount to: the settings that differ from what the daemon had, each
   * whole (an update replaces a setting's value). The daemon checks the ranges and the time
   * zone; only what cannot be sent at all (a number that is not one) is caught here.
   */
  result(): SettingsFormResult {
    const numbers = new Map<string, number>();
    for (const [index, field] of this.fields.entries()) {
      if (!field.numeric) continue;
      const value = this.#number(field.name, field.bucket);
      if (typeof value !== "number") return { kind: "invalid", error: value.error, field: index };
      numbers.set(`${field.name}:${field.bucket ?? ""}`, value);
    }
    const number = (name: SettingsFieldName, bucket?: string) => numbers.get(`${name}:${bucket ?? ""}`)!;
    const calendar = {
      timeZone: this.fields[this.#index("timeZone")].value.text.trim(),
      slots: parseSlots(this.fields[this.#index("slots")].value.text),
      capacityPerSlot: number("capacityPerSlot"),
      perKindPerDay: { short: number("shortsPerDay"), long: number("longsPerDay") },
      maxPerDay: number("maxPerDay"),
      horizonDays: number("horizonDays"),
      leadMinutes: number("leadMinutes"),
    };
    const buckets = Object.fromEntries(
      Object.entries(this.original["quota.buckets"]).map(([bucket, value]) => [
        bucket,
        { ...value, limit: number("bucketLimit", bucket) },
      ]),
    );
    const warningPercent = number("warningPercent");

    const update: PublishingSettingsUpdate = {};
    const changed: PublishingSettingKey[] = [];
    if (!sameCalendar(this.original["schedule.calendar"], calendar)) {
      update["schedule.calendar"] = calendar;
      changed.push("schedule.calendar");
    }
    const limitsChanged = Object.entries(this.original["quota.buckets"]).some(([bucket, { limit }]) =>
      buckets[bucket].limit !== limit
    );
    if (limitsChanged) {
      update["quota.buckets"] = buckets;
      changed.push("quota.buckets");
    }
    if (warningPercent !== this.original["quota.warningPercent"]) {
      update["quota.warningPercent"] = warningPercent;
      changed.push("quota.warningPercent");
    }
    return { kind: "ok", update, changed };
  }

  /**
   * Puts the daemon's validation issues on the fields they are about (the focus goes to the
   * first); an issue about no field becomes the form's error.
   */
  applyIssues(issues: readonly SettingsIssue[]): void {
    this.clearErrors();
    const general: string[] = [];
    let first: number | undefined;
    for (const issue of issues) {
      const index = this.#fieldOf(issue.path);
      if (index < 0) {
        general.push(`${issue.path.map(String).join(".") || "settings"}: ${issue.message}`);
        continue;
      }
      const field = this.fields[index];
      field.error = field.error ? `${field.error}; ${issue.message}` : issue.message;
      first = first === undefined ? index : Math.min(first, index);
    }
    if (general.length > 0) this.error = general.join(" · ");
    if (first !== undefined) this.focus = first;
  }

  #fieldOf(path: readonly PropertyKey[]): number {
    const [key, sub, leaf] = path.map(String);
    if (key === "schedule.calendar") {
      if (sub === "perKindPerDay") {
        return leaf === "short"
          ? this.#index("shortsPerDay")
          : leaf === "long"
          ? this.#index("longsPerDay")
          : -1;
      }
      const name = sub === undefined ? undefined : CALENDAR_PATHS[sub];
      return name ? this.#index(name) : -1;
    }
    if (key === "quota.buckets") return sub === undefined ? -1 : this.#index("bucketLimit", sub);
    if (key === "quota.warningPercent") return this.#index("warningPercent");
    return -1;
  }

  /** The fields with an error, in order: `Videos per slot: too small`. */
  get fieldErrors(): string[] {
    return this.fields.filter((field) => field.error).map((field) => `${field.label}: ${field.error}`);
  }
}

type Calendar = PublishingSettings["schedule.calendar"];

/** Whether two calendars are the same (slot times in another order are: the daemon sorts them). */
function sameCalendar(a: Calendar, b: Calendar): boolean {
  const times = (calendar: Calendar) => [...calendar.slots].sort().join(",");
  return a.timeZone === b.timeZone && times(a) === times(b) && a.capacityPerSlot === b.capacityPerSlot &&
    a.perKindPerDay.short === b.perKindPerDay.short && a.perKindPerDay.long === b.perKindPerDay.long &&
    a.maxPerDay === b.maxPerDay && a.horizonDays === b.horizonDays && a.leadMinutes === b.leadMinutes;
}
