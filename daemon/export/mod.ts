/**
 * Exporting expressions as study material: Anki packages (`.apkg`) with the line's audio and a
 * screenshot per note, Anki-importable CSV and TSV, and JSON of the same notes; the media of an
 * episode cut in as few ffmpeg runs as possible.
 * @module
 */
export { deckId, fieldChecksum, writeApkg } from "./apkg.ts";
export { CSV_COLUMNS, delimitedText, writeCsv } from "./csv.ts";
export { Exporter, type ExporterDeps, ExportMediaError, NothingToExportError } from "./exporter.ts";
export { type ExportDocument, writeJson } from "./json.ts";
export { MAX_INPUTS, mediaCommands, type MediaCut, type MediaRun } from "./media.ts";
export {
  CARD_CSS,
  CARD_TEMPLATE,
  NOTE_FIELDS,
  NOTE_TYPE_ID,
  NOTE_TYPE_NAME,
  type NoteField,
} from "./note_type.ts";
export {
  buildNote,
  type ExportNote,
  fieldValues,
  mediaBaseName,
  noteGuid,
  type NoteIdentity,
  type NoteSource,
  stripHtml,
} from "./notes.ts";
export {
  type ExportFormat,
  exportFormatSchema,
  type ExportOptions,
  type ExportOptionsInput,
  exportOptionsSchema,
  type ExportRequest,
  type ExportRequestInput,
  exportRequestSchema,
  type ExportResult,
  exportResultSchema,
} from "../../shared/export.ts";
export { type ClipTiming, clipTiming, findLineCue, type TimingOptions } from "./timing.ts";
export { crc32, ZipWriter } from "./zip.ts";
