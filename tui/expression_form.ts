/**
 * The edit form of one expression: its fields as text, which one has the focus, and the edits
 * it amounts to (only the fields that changed, checked as the daemon would check them).
 * @module
 */
import type { Key } from "ink";
import type { Expression } from "../shared/analysis.ts";
import type { ExpressionEdits } from "./context/ClientContext.tsx";
import { editText, type TextField, textField } from "./text_edit.ts";

/** What a field edits. */
export type FieldName = "text" | "meaning" | "example" | "similar" | "difficulty" | "translation" | "title";

/** One field of the form. */
export interface FormField {
  readonly name: FieldName;
  readonly label: string;
  /** The value as the form opened with it. */
  readonly initial: string;
  value: TextField;
}

/** What saving the form amounts to. */
export type FormResult =
  | { readonly kind: "edits"; readonly edits: ExpressionEdits }
  | { readonly kind: "unchanged" }
  | { readonly kind: "invalid"; readonly error: string; readonly field: number };

/** Items of a comma-separated list, trimmed, without empty ones. */
export function splitList(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

/** The form for `expression`; mutable, its owner re-renders after each change. */
export class ExpressionForm {
  readonly expression: Expression;
  readonly fields: FormField[];
  /** The field with the focus, an index into {@link fields}. */
  focus = 0;
  /** Why the last save did not happen (invalid input, or the daemon's error). */
  error: string | undefined;
  /** Whether a save is on its way to the daemon. */
  saving = false;

  constructor(expression: Expression) {
    this.expression = expression;
    const field = (name: FieldName, label: string, initial: string): FormField => ({
      name,
      label,
      initial,
      value: textField(initial),
    });
    this.fields = [
      field("text", "Expression", expression.text),
      field("meaning", "Meaning", expression.meaning),
      field("example", "Example", expression.example),
      field("similar", "Similar", expression.similar.join(", ")),
      field("difficulty", "Difficulty", String(expression.difficulty)),
    ];
    const first = expression.translations[0];
    if (first) {
      this.fields.push(
        field("translation", `Translation (${first.language})`, first.expression),
        field("title", `Title (${first.language})`, first.title),
      );
    }
  }

  /** Moves the focus `step` fields on, wrapping around (Tab, Shift-Tab). */
  step(step: number): void {
    const n = this.fields.length;
    this.focus = (((this.focus + step) % n) + n) % n;
  }

  /** Edits the focused field with a key; returns whether the key was one that edits text. */
  edit(input: string, key: Key): boolean {
    const field = this.fields[this.focus];
    const next = editText(field.value, input, key);
    if (!next) return false;
    field.value = next;
    return true;
  }

  /** The edits to send: the changed fields only, or why they cannot be sent. */
  result(): FormResult {
    const edits: ExpressionEdits = {};
    const translation: { expression?: string; title?: string } = {};
    for (const [index, field] of this.fields.entries()) {
      const value = saved(field.name, field.value.text);
      if (value === saved(field.name, field.initial)) continue;
      const invalid = (error: string): FormResult => ({ kind: "invalid", error, field: index });
      switch (field.name) {
        case "text":
          if (value === "") return invalid("The expression cannot be empty.");
          edits.text = value;
          break;
        case "meaning":
          edits.meaning = value;
          break;
        case "example":
          edits.example = value;
          break;
        case "similar": {
          const similar = splitList(value);
          if (similar.length > 10) return invalid("At most 10 similar expressions.");
          edits.similar = similar;
          break;
        }
        case "difficulty": {
          const difficulty = Number(value);
          if (!/^\d+$/.test(value) || difficulty < 1 || difficulty > 10) {
            return invalid("Difficulty is a whole number from 1 to 10.");
          }
          edits.difficulty = difficulty;
          break;
        }
        case "translation":
          if (value === "") return invalid("The translation cannot be empty.");
          translation.expression = value;
          break;
        case "title":
          if (value === "") return invalid("The title cannot be empty.");
          translation.title = value;
          break;
      }
    }
    if (translation.expression !== undefined || translation.title !== undefined) {
      // The daemon replaces the translations as a whole: the other languages go back unchanged.
      const [first, ...rest] = this.expression.translations;
      edits.translations = [{ ...first, ...translation }, ...rest];
    }
    return Object.keys(edits).length === 0 ? { kind: "unchanged" } : { kind: "edits", edits };
  }
}

/** A field's text as it would be saved: trimmed (the daemon trims), a list in one spelling. */
function saved(name: FieldName, text: string): string {
  return name === "similar" ? splitList(text).join(", ") : text.trim();
}
