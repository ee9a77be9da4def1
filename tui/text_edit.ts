/**
 * Editing a line of text with the keyboard: typing (and pasting) at a cursor, deleting, moving.
 * Pure, so the filter and the edit form share it and tests can drive it without a terminal.
 * @module
 */
import type { Key } from "ink";
import { isPrintable } from "./keys.ts";

/** A text being edited and where the cursor is in it, in characters (code points). */
export interface TextField {
  readonly text: string;
  readonly cursor: number;
}

/** A field holding `text` with the cursor after its last character. */
export function textField(text: string): TextField {
  return { text, cursor: [...text].length };
}

/** Whether a key is text to insert (a letter, a paste), not a control key. */
export function isText(input: string, key: Key): boolean {
  return !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab && isPrintable(input);
}

/**
 * The field after `input`/`key`, or `undefined` when the key is not one that edits text (Enter,
 * Esc, Tab, the vertical arrows…), so that the caller can give it its own meaning. Backspace
 * deletes before the cursor, Delete after it (before it at the end, where some terminals' Delete
 * is Backspace); Ctrl-U empties the field before the cursor; ←/→, Home/End and Ctrl-A/Ctrl-E
 * move, unless `moveKeys` is false (a filter above a list leaves those to the list).
 */
export function editText(
  field: TextField,
  input: string,
  key: Key,
  options: { moveKeys?: boolean } = {},
): TextField | undefined {
  const chars = [...field.text];
  const at = Math.max(0, Math.min(chars.length, field.cursor));
  const moveKeys = options.moveKeys ?? true;
  const make = (next: string[], cursor: number): TextField => ({ text: next.join(""), cursor });
  if (key.backspace || (key.delete && at === chars.length)) {
    return at === 0 ? field : make([...chars.slice(0, at - 1), ...chars.slice(at)], at - 1);
  }
  if (key.delete) return make([...chars.slice(0, at), ...chars.slice(at + 1)], at);
  if (key.ctrl && input === "u") return make(chars.slice(at), 0);
  if (moveKeys) {
    if (key.leftArrow) return { text: field.text, cursor: Math.max(0, at - 1) };
    if (key.rightArrow) return { text: field.text, cursor: Math.min(chars.length, at + 1) };
    if (key.home || (key.ctrl && input === "a")) return { text: field.text, cursor: 0 };
    if (key.end || (key.ctrl && input === "e")) return { text: field.text, cursor: chars.length };
  }
  if (isText(input, key)) {
    const typed = [...input];
    return make([...chars.slice(0, at), ...typed, ...chars.slice(at)], at + typed.length);
  }
  return undefined;
}
