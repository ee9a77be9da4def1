import type { Cue } from "../../shared/schemas.ts";
import { type ParsedCues, type ParseLimits, SubtitleParseError } from "./diagnostics.ts";
import { finishCues, RawCueList, tidyLines, WarningList } from "./_cue_list.ts";
import {
  formatTimestamp,
  looksLikeTiming,
  parseTimingLine,
  quoteLine,
  splitLines,
  type Timing,
} from "./_timing.ts";

const EXAMPLE = "00:01:02.500 --> 00:01:04.000";
const HEADER = /^WEBVTT(?=\s|$)/i;
const SKIPPED_BLOCK = /^(?:NOTE|STYLE|REGION)(?=\s|$)/;

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  nbsp: "\u00A0",
  lrm: "\u200E",
  rlm: "\u200F",
  quot: '"',
  apos: "'",
};

function decodeEntity(entity: string, body: string): string {
  if (body[0] !== "#") return ENTITIES[body] ?? entity;
  const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  // fromCodePoint throws beyond U+10FFFF; a bad reference stays as written.
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
}

/**
 * The plain text of a WebVTT cue payload: ruby readings (`<rt>`) and timestamp tags are dropped,
 * other tags (`<v Speaker>`, `<c.class>`, `<i>`, `<b>`, `<u>`, `<lang>`, `<ruby>`) are removed
 * keeping their text, and character references are decoded. Tags go before entities so that an
 * escaped `&lt;i&gt;` stays literal text.
 */
export function vttPlainText(payload: string): string {
  // A tag ends at the next "<" too ([^<>]*, not [^>]*): otherwise a line of unclosed "<a" costs
  // quadratic time, each one scanning to the end of the text for its ">".
  return payload
    .replace(/<rt(?=[\s.>])[^<>]*>[\s\S]*?(?:<\/rt>|(?=<\/ruby>)|$)/g, "")
    .replace(/<\d[\d:.]*>/g, "")
    .replace(/<\/?[a-zA-Z][^<>]*>/g, "")
    .replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,6});/g, decodeEntity);
}

function timingAt(lines: readonly string[], i: number, file: string): Timing | undefined {
  const line = lines[i].trim();
  const timing = parseTimingLine(line);
  if (timing || !looksLikeTiming(line)) return timing;
  throw new SubtitleParseError(file, i + 1, `expected a timing line like ${EXAMPLE}, got ${quoteLine(line)}`);
}

/**
 * Parses WebVTT into cues. The header may carry text after `WEBVTT`; NOTE, STYLE and REGION blocks
 * are skipped; cue identifiers are optional; cue settings after the timing are ignored; hours are
 * optional. Markup is reduced to plain text (see {@link vttPlainText}). A block without a timing
 * line is skipped with a warning; a malformed timing line, or more cues than
 * {@link ParseLimits.maxCues}, is a {@link SubtitleParseError}.
 */
export function parseVtt(text: string, file: string, limits: ParseLimits = {}): ParsedCues {
  const lines = splitLines(text);
  const warnings = new WarningList();
  const raw = new RawCueList(file, limits.maxCues);
  const first = (lines[0] ?? "").replace(/^\uFEFF/, "").trim();
  if (!HEADER.test(first)) {
    throw new SubtitleParseError(file, 1, `expected the header line WEBVTT, got ${quoteLine(first)}`);
  }
  // Header metadata ("Kind: captions") runs to the first blank line; some files omit that line.
  let i = 1;
  while (i < lines.length && lines[i].trim() !== "" && !lines[i].includes("-->")) i++;

  while (i < lines.length) {
    while (i < lines.length && lines[i].trim() === "") i++;
    if (i >= lines.length) break;
    const start = i;
    while (i < lines.length && lines[i].trim() !== "") i++;
    readBlock(lines, start, i, file, raw, warnings);
  }
  const cues = finishCues(raw.cues, file, warnings);
  if (cues.length === 0) {
    warnings.add({ code: "no-cues", file, message: `${file} has a WEBVTT header but no cues` });
  }
  return { cues, warnings: warnings.list(file) };
}

function readBlock(
  lines: readonly string[],
  start: number,
  end: number,
  file: string,
  raw: RawCueList,
  warnings: WarningList,
): void {
  if (SKIPPED_BLOCK.test(lines[start].trim())) return;
  let k = start;
  let timing = timingAt(lines, k, file);
  if (!timing && k + 1 < end) timing = timingAt(lines, ++k, file); // the first line was an identifier
  if (!timing) {
    warnings.add({
      code: "skipped-block",
      file,
      line: start + 1,
      message: `${file} line ${start + 1}: a block without a timing line (${EXAMPLE}) was skipped`,
    });
    return;
  }
  let cue = { timing, line: k + 1, parts: [] as string[] };
  const push = () =>
    raw.push({
      ...cue.timing,
      line: cue.line,
      text: tidyLines(vttPlainText(cue.parts.join("\n")).split("\n")),
    });
  for (let m = k + 1; m < end; m++) {
    // Cue text cannot contain "-->": such a line starts the next cue (a blank line was lost).
    const next = timingAt(lines, m, file);
    if (next) {
      push();
      cue = { timing: next, line: m + 1, parts: [] };
    } else {
      cue.parts.push(lines[m]);
    }
  }
  push();
}

const escapeText = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * Writes cues as WebVTT with numeric identifiers. `&`, `<` and `>` are escaped (so `-->` in text
 * stays text); blank lines inside a cue's text are dropped because they would end the cue.
 */
export function writeVtt(cues: readonly Cue[]): string {
  const blocks = cues.map((cue, i) => {
    const lines = cue.text.split("\n").filter((line) => line.trim() !== "").map(escapeText);
    const timing = `${formatTimestamp(cue.startMs, "vtt")} --> ${formatTimestamp(cue.endMs, "vtt")}`;
    return [String(i + 1), timing, ...lines].join("\n") + "\n";
  });
  return ["WEBVTT\n", ...blocks].join("\n");
}
