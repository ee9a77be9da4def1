/** Notes as JSON: the same notes, fields and tags as the other formats, with their provenance. */
import { NOTE_FIELDS, NOTE_TYPE_NAME } from "./note_type.ts";
import type { ExportNote } from "./notes.ts";

/** The document a JSON export holds. */
export interface ExportDocument {
  format: "lingoreel-export";
  version: 1;
  exportedAt: string;
  deckName: string;
  noteType: string;
  fields: string[];
  notes: ExportNote[];
}

/** Writes notes as a JSON document (see {@link ExportDocument}) at `path`. */
export async function writeJson(
  path: string,
  notes: ExportNote[],
  options: { deckName: string; now?: Date },
): Promise<{ notes: number }> {
  const document: ExportDocument = {
    format: "lingoreel-export",
    version: 1,
    exportedAt: (options.now ?? new Date()).toISOString(),
    deckName: options.deckName,
    noteType: NOTE_TYPE_NAME,
    fields: [...NOTE_FIELDS],
    notes,
  };
  await Deno.writeTextFile(path, JSON.stringify(document, null, 2) + "\n");
  return { notes: notes.length };
}
