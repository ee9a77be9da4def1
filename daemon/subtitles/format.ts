import { parseTimingLine, splitLines } from "./_timing.ts";

/** The subtitle formats read here. `ssa` is the older V4 flavour of `ass`; one parser reads both. */
export const SUBTITLE_FORMATS = ["srt", "vtt", "ass", "ssa"] as const;
/** One of {@link SUBTITLE_FORMATS}. */
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

const EXTENSIONS: Record<string, SubtitleFormat> = {
  srt: "srt",
  vtt: "vtt",
  webvtt: "vtt",
  ass: "ass",
  ssa: "ssa",
};

/** The format a file name claims (`.srt`, `.vtt`, `.webvtt`, `.ass`, `.ssa`), if any. */
export function formatFromPath(path: string): SubtitleFormat | undefined {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

const SNIFF_LINES = 300;

/**
 * The format the content shows, looking at the start of the text: a `WEBVTT` header, ASS/SSA
 * section headers or Dialogue lines, or a SubRip timing line. Undefined when none is found, for
 * instance in an HTML page or random bytes. Headerless files with timing lines read as `srt`,
 * whose parser also accepts WebVTT-style timestamps.
 */
export function sniffFormat(text: string): SubtitleFormat | undefined {
  const head = text.slice(0, 65_536).replace(/^[\uFEFF\s]+/, "");
  if (/^WEBVTT(?=\s|$)/i.test(head)) return "vtt";
  let ass = false;
  let v4Styles = false;
  let v4PlusStyles = false;
  let checked = 0;
  for (const raw of splitLines(head)) {
    const line = raw.trim();
    if (line === "") continue;
    if (++checked > SNIFF_LINES) break;
    const lower = line.toLowerCase();
    if (lower === "[v4 styles]" || /^scripttype:\s*v4\.00$/.test(lower)) v4Styles = true;
    if (lower === "[v4+ styles]" || /^scripttype:\s*v4\.00\+$/.test(lower)) v4PlusStyles = true;
    if (lower === "[script info]" || lower === "[events]" || lower.startsWith("dialogue:")) ass = true;
    // Events come last in a script, so the style markers have been seen by then.
    if (ass && (lower === "[events]" || lower.startsWith("dialogue:"))) break;
    if (!ass && parseTimingLine(line)) return "srt";
  }
  if (v4Styles || v4PlusStyles) ass = true;
  if (!ass) return undefined;
  return v4Styles && !v4PlusStyles ? "ssa" : "ass";
}

/**
 * A name for content that clearly is something other than subtitles, judged by how it begins:
 * an HTML page (a download that saved an error page), XML (TTML), JSON. Undefined otherwise.
 */
export function describeNonSubtitle(text: string): string | undefined {
  // Only the very start is looked at: subtitle files begin with a number, a timestamp, WEBVTT or
  // "[Script Info]", so this never mistakes one for something else.
  const head = text.slice(0, 256).replace(/^[\uFEFF\s]+/, "").toLowerCase();
  if (/^<(?:!doctype html|html|head|body|!--)/.test(head)) {
    return "an HTML page, not subtitles (perhaps a download that saved an error page)";
  }
  if (head.startsWith("<?xml") || head.startsWith("<tt")) {
    return "XML (TTML/DFXP subtitles are not supported; convert them to SRT first)";
  }
  if (/^\{\s*"/.test(head) || /^\[\s*[{["\d]/.test(head)) return "JSON data, not subtitles";
  return undefined;
}
