/**
 * Notes as CSV or TSV that Anki's text import (2.1.54+) reads without questions: header lines
 * set the separator, HTML, the note type and deck (used when the collection has them), the
 * GUID column (so a re-import updates the notes, as the `.apkg` does), the tags column and the
 * column names; then one row per note: GUID, the note type's fields in order, tags.
 */
import { NOTE_FIELDS, NOTE_TYPE_NAME } from "./note_type.ts";
import { type ExportNote, fieldValues } from "./notes.ts";

/** The columns of a row: GUID, every field of the note type in order, tags. */
export const CSV_COLUMNS: readonly string[] = ["GUID", ...NOTE_FIELDS, "Tags"];

/** A field as the csv reader Anki uses expects it: quoted (quotes doubled) when it must be. */
function cell(value: string, separator: string): string {
  return value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The text of a CSV (`separator` ",") or TSV ("\t") export. */
export function delimitedText(
  notes: ExportNote[],
  options: { separator: "," | "\t"; deckName: string },
): string {
  const { separator } = options;
  // header values run to the end of their line: no line breaks in them
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ");
  const header = [
    `#separator:${separator === "\t" ? "tab" : "comma"}`,
    "#html:true",
    `#notetype:${NOTE_TYPE_NAME}`,
    `#deck:${oneLine(options.deckName)}`,
    "#guid column:1",
    `#tags column:${CSV_COLUMNS.length}`,
    `#columns:${CSV_COLUMNS.map((c) => cell(c, separator)).join(separator)}`,
  ];
  const rows = notes.map((note) =>
    [note.guid, ...fieldValues(note), note.tags.join(" ")]
      // fields are HTML: a line break is <br>, and a tab means nothing more than a space
      .map((v) => cell(v.replace(/\r?\n/g, "<br>").replace(/\t/g, " "), separator))
      .join(separator)
  );
  return [...header, ...rows].join("\n") + "\n";
}

/** Writes notes as CSV (`separator` ",") or TSV ("\t") at `path`. */
export async function writeCsv(
  path: string,
  notes: ExportNote[],
  options: { separator: "," | "\t"; deckName: string },
): Promise<{ notes: number }> {
  await Deno.writeTextFile(path, delimitedText(notes, options));
  return { notes: notes.length };
}
