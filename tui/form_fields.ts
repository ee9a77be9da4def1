/**
 * What the TUI's forms share: fields typed as text or cycled through a few choices, moving the
 * focus between them, editing the focused one with a key, and the keys a form takes before the
 * screen's bindings see them. The batch form, the export form and the Schedule's settings form
 * are built from these.
 * @module
 */
import type { Key } from "ink";
import { editText, isText, type TextField, textField } from "./text_edit.ts";

/** One value of a choice field, as the form shows it. */
export interface Choice {
  readonly value: string;
  readonly label: string;
}

/** A field typed as text. */
export interface TextFormField<Name extends string = string> {
  readonly kind: "text";
  readonly name: Name;
  readonly label: string;
  /** What the field means, shown while it has the focus. */
  readonly hint: string;
  value: TextField;
}

/** A field that takes one of a few values, cycled with ←/→ or Space. */
export interface ChoiceFormField<Name extends string = string> {
  readonly kind: "choice";
  readonly name: Name;
  readonly label: string;
  readonly choices: readonly Choice[];
  /** An index into {@link choices}. */
  chosen: number;
}

/** A field of a form: text or a choice. */
export type FormField<TextName extends string = string, ChoiceName extends string = string> =
  | TextFormField<TextName>
  | ChoiceFormField<ChoiceName>;

/** A text field holding `initial`, the cursor after it. */
export function textFormField<Name extends string>(
  name: Name,
  label: string,
  initial: string,
  hint: string,
): TextFormField<Name> {
  return { kind: "text", name, label, hint, value: textField(initial) };
}

/** A choice field with `initial` chosen (the first choice when it is not one of them). */
export function choiceFormField<Name extends string>(
  name: Name,
  label: string,
  choices: readonly Choice[],
  initial: string,
): ChoiceFormField<Name> {
  return {
    kind: "choice",
    name,
    label,
    choices,
    chosen: Math.max(0, choices.findIndex((c) => c.value === initial)),
  };
}

/** Choices that read as they are sent: `anki`, `csv`… */
export function choicesOf(values: readonly string[]): Choice[] {
  return values.map((value) => ({ value, label: value }));
}

/** The value chosen in a choice field. */
export function chosenValue(field: ChoiceFormField): string {
  return field.choices[field.chosen].value;
}

/** The focus `step` fields on from `focus` among `count` fields, wrapping around. */
export function stepFocus(focus: number, step: number, count: number): number {
  return (((focus + step) % count) + count) % count;
}

/**
 * Edits `field` with a key: text into a text field, ←/→ (and Space) through a choice. Returns
 * whether the key was one that edits the field.
 */
export function editField(field: FormField, input: string, key: Key): boolean {
  if (field.kind === "text") {
    const next = editText(field.value, input, key);
    if (!next) return false;
    field.value = next;
    return true;
  }
  const n = field.choices.length;
  if (key.leftArrow) field.chosen = (field.chosen + n - 1) % n;
  else if (key.rightArrow || (input === " " && !key.ctrl)) field.chosen = (field.chosen + 1) % n;
  else return false;
  return true;
}

/** A form as {@link formKey} drives it. */
export interface KeyedForm {
  /** Moves the focus `step` fields on (Tab, ↓: 1; Shift-Tab, ↑: -1). */
  step(step: number): void;
  /** Edits the focused field; whether the key was one that edits it. */
  edit(input: string, key: Key): boolean;
}

/**
 * A key while a form is open, before the screen's bindings: Tab, Shift-Tab and ↑↓ move the
 * focus, other keys edit the focused field. `"changed"` when the form changed (its owner
 * re-renders), `"taken"` when the key must go nowhere else (a letter on a choice: `q` must not
 * quit mid-form), `"passed"` for the bindings and the global keys (Enter, Esc, `?`).
 */
export function formKey(form: KeyedForm, input: string, key: Key): "changed" | "taken" | "passed" {
  if (key.tab || key.upArrow || key.downArrow) {
    form.step(key.upArrow || (key.tab && key.shift) ? -1 : 1);
    return "changed";
  }
  if (input === "?") return "passed"; // never part of a value: the help opens
  if (form.edit(input, key)) return "changed";
  return isText(input, key) ? "taken" : "passed";
}

/** A number as typed: thousands separators and spaces are allowed; undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  const cleaned = text.replace(/[\s,_]/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}
