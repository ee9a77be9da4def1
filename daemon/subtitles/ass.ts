import { type ParsedCues, type ParseLimits, SubtitleParseError } from "./diagnostics.ts";
import { finishCues, RawCueList, tidyLines, WarningList } from "./_cue_list.ts";
import { parseAssTime, quoteLine, splitLines } from "./_timing.ts";

// Used when Dialogue lines come before (or without) a Format line. SSA's first field is "Marked"
// instead of "Layer"; the count and the positions of Start, End and Text are the same.
const DEFAULT_FORMAT = [
  "layer",
  "start",
  "end",
  "style",
  "name",
  "marginl",
  "marginr",
  "marginv",
  "effect",
  "text",
];

/**
 * The visible text of an ASS event's Text field: override blocks `{…}` are removed, text drawn
 * in drawing mode (`{\p1}m 0 0 l 100 0{\p0}`) is dropped, `\N` and `\n` become line breaks and
 * `\h` a space. An unclosed `{` is kept as text, as renderers show it.
 */
export function assPlainText(text: string): string {
  let out = "";
  let drawing = false;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{", i);
    const close = open < 0 ? -1 : text.indexOf("}", open);
    const end = close < 0 ? text.length : open;
    if (!drawing) out += text.slice(i, end);
    if (close < 0) break;
    // The last \p<n> in a block sets the mode; \pos and \pbo do not match (no digit after p).
    for (const m of text.slice(open + 1, close).matchAll(/\\p(\d+)/g)) drawing = Number(m[1]) > 0;
    i = close + 1;
  }
  return out.replace(/\\[Nn]/g, "\n").replaceAll("\\h", " ");
}

function splitFields(body: string, count: number): string[] | undefined {
  const fields: string[] = [];
  let from = 0;
  for (let f = 0; f < count - 1; f++) {
    const comma = body.indexOf(",", from);
    if (comma < 0) return undefined;
    fields.push(body.slice(from, comma));
    from = comma + 1;
  }
  fields.push(body.slice(from)); // Text is last and keeps its commas
  return fields;
}

/**
 * Parses ASS/SSA: Dialogue lines of the `[Events]` section become cues, with the field order
 * taken from the section's `Format:` line (Text is the last field and may contain commas).
 * Comment lines and other sections are skipped. Events with no visible text (drawings, empty
 * positioning lines) and exact duplicates (the same line on several layers, for effects) are dropped.
 * A Dialogue line with too few fields or a bad time, or a file without an `[Events]` section, is a
 * {@link SubtitleParseError}, as are more cues than {@link ParseLimits.maxCues}.
 */
export function parseAss(text: string, file: string, limits: ParseLimits = {}): ParsedCues {
  const lines = splitLines(text);
  const warnings = new WarningList();
  const raw = new RawCueList(file, limits.maxCues);
  const seen = new Set<string>();
  let section = "";
  let sawEvents = false;
  let format = DEFAULT_FORMAT;
  let formatLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith("[") && line.endsWith("]")) {
      section = line.slice(1, -1).trim().toLowerCase();
      sawEvents ||= section === "events";
      continue;
    }
    if (section !== "events") continue;
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const body = line.slice(colon + 1).trimStart();
    if (key === "format") {
      format = body.split(",").map((field) => field.trim().toLowerCase());
      formatLine = i + 1;
      for (const needed of ["start", "end", "text"]) {
        if (!format.includes(needed)) {
          throw new SubtitleParseError(
            file,
            i + 1,
            `the [Events] Format line has no ${needed[0].toUpperCase()}${needed.slice(1)} field, got ${
              quoteLine(line)
            }`,
          );
        }
      }
      continue;
    }
    if (key !== "dialogue") continue; // Comment, Picture, Sound, Movie, Command
    const fields = splitFields(body, format.length);
    if (!fields) {
      const where = formatLine ? `the Format line (line ${formatLine})` : "the ASS default";
      throw new SubtitleParseError(
        file,
        i + 1,
        `expected ${format.length} comma-separated fields as in ${where}, got ${quoteLine(line)}`,
      );
    }
    const time = (name: "start" | "end") => {
      const value = fields[format.indexOf(name)];
      const ms = parseAssTime(value);
      if (ms === undefined) {
        throw new SubtitleParseError(
          file,
          i + 1,
          `expected ${name === "end" ? "an end" : "a start"} time like 0:01:02.50, got ${
            quoteLine(value.trim())
          }`,
        );
      }
      return ms;
    };
    const startMs = time("start");
    const endMs = time("end");
    const cueText = tidyLines(assPlainText(fields[fields.length - 1]).split("\n"));
    const dedupeKey = `${startMs}|${endMs}|${cueText}`;
    if (cueText === "" || seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    raw.push({ startMs, endMs, text: cueText, line: i + 1 });
  }
  if (!sawEvents) {
    throw new SubtitleParseError(
      file,
      lines.length,
      "reached the end of the file without an [Events] section",
      "The file is an incomplete ASS/SSA script; use another subtitle file, or extract the track from the video again.",
    );
  }
  const cues = finishCues(raw.cues, file, warnings);
  if (cues.length === 0) {
    warnings.add({
      code: "no-cues",
      file,
      message: `${file} has an [Events] section but no Dialogue lines`,
    });
  }
  return { cues, warnings: warnings.list(file) };
}
